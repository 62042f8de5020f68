// Staging a submission into a private directory; see workspace.h.
#include "grader/workspace/workspace.h"

#include <algorithm>
#include <cstdlib>
#include <system_error>
#include <vector>

#include "grader/util/units.h"

namespace grader {

namespace fs = std::filesystem;

namespace {

// The lexically normal form of a path, with `..` resolved against the preceding components.
// Used to decide whether a relative symlink target stays inside the submission.
bool stays_inside(const fs::path& relative_link_dir, const fs::path& target) {
  fs::path combined = (relative_link_dir / target).lexically_normal();
  if (combined.empty()) return true;
  auto first = *combined.begin();
  return first != ".." && !combined.is_absolute();
}

std::string describe_type(fs::file_type t) {
  switch (t) {
    case fs::file_type::block: return "a block device";
    case fs::file_type::character: return "a character device";
    case fs::file_type::fifo: return "a named pipe";
    case fs::file_type::socket: return "a socket";
    default: return "an unsupported file type";
  }
}

struct Stager {
  const fs::path& root;
  const StageOptions& options;
  std::uint64_t total_bytes = 0;
  std::uint64_t files = 0;
  bool overwrite = false;  // the exercise's provided files replace what the learner handed in

  // Makes room for an entry of the overlay: a learner's file or link of the same name goes.
  void make_room(const fs::path& dest, bool for_directory) {
    if (!overwrite) return;
    std::error_code ec;
    auto st = fs::symlink_status(dest, ec);
    if (ec || !fs::exists(st)) return;
    if (for_directory && fs::is_directory(st)) return;
    fs::remove_all(dest, ec);
  }

  void copy_tree(const fs::path& rel, const fs::path& dest) {
    std::error_code ec;
    fs::directory_iterator it(root / rel, ec);
    if (ec) throw SubmissionError("cannot read '" + (root / rel).string() + "': " + ec.message());
    // Sorted so that the first refusal reported does not depend on directory order.
    std::vector<fs::directory_entry> entries(it, fs::directory_iterator{});
    std::sort(entries.begin(), entries.end(),
              [](const auto& a, const auto& b) { return a.path().filename() < b.path().filename(); });
    for (const auto& entry : entries) {
      fs::path name = entry.path().filename();
      fs::path item = rel / name;
      if (rel.empty() && options.exclude.count(name.string())) continue;
      if (++files > options.max_files)
        throw SubmissionError("submission has more than " + std::to_string(options.max_files) + " files");
      auto status = entry.symlink_status();
      switch (status.type()) {
        case fs::file_type::directory:
          make_room(dest / name, true);
          fs::create_directory(dest / name);
          copy_tree(item, dest / name);
          break;
        case fs::file_type::regular: {
          total_bytes += entry.file_size();
          if (total_bytes > options.max_total_bytes)
            throw SubmissionError("submission is larger than " + format_size(options.max_total_bytes));
          make_room(dest / name, false);
          fs::copy_file(entry.path(), dest / name);
          break;
        }
        case fs::file_type::symlink: {
          fs::path target = fs::read_symlink(entry.path());
          if (target.is_absolute())
            throw SubmissionError("'" + item.string() + "' is a symlink to the absolute path '" +
                                  target.string() +
                                  "'; only relative links inside the submission are allowed");
          if (!stays_inside(rel, target))
            throw SubmissionError("'" + item.string() + "' is a symlink to '" + target.string() +
                                  "', which leaves the submission");
          make_room(dest / name, false);
          fs::create_symlink(target, dest / name);
          break;
        }
        default:
          throw SubmissionError("'" + item.string() + "' is " + describe_type(status.type()) +
                                "; submissions may hold only files, directories and relative symlinks");
      }
    }
  }
};

}  // namespace

Workspace Workspace::stage(const fs::path& submission, const StageOptions& options) {
  std::error_code ec;
  auto status = fs::symlink_status(submission, ec);
  if (ec || !fs::exists(status))
    throw SubmissionError("submission '" + submission.string() + "' does not exist");
  fs::path root = fs::canonical(submission);
  if (!fs::is_directory(root))
    throw SubmissionError("submission '" + submission.string() + "' is not a directory");

  fs::path parent = options.parent.empty() ? fs::temp_directory_path() : options.parent;
  std::string templ = (parent / "grader-ws-XXXXXX").string();
  if (!mkdtemp(templ.data()))
    throw std::runtime_error("cannot create a workspace under '" + parent.string() +
                             "': " + std::generic_category().message(errno));
  Workspace ws{fs::path(templ)};
  Stager stager{root, options};
  stager.copy_tree({}, ws.dir_);
  if (!options.provided.empty()) {
    StageOptions teacher = options;
    teacher.exclude.clear();
    Stager provided{fs::canonical(options.provided), teacher};
    provided.overwrite = true;
    provided.copy_tree({}, ws.dir_);
  }
  return ws;
}

Workspace::Workspace(Workspace&& other) noexcept : dir_(std::move(other.dir_)) {
  other.dir_.clear();
}

Workspace::~Workspace() {
  if (dir_.empty()) return;
  std::error_code ec;
  // Learner code may have left directories without write permission; restore it so the
  // removal below does not stop half way.
  for (auto it = fs::recursive_directory_iterator(dir_, fs::directory_options::skip_permission_denied, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec) && !it->is_symlink(ec))
      fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ec);
  }
  fs::permissions(dir_, fs::perms::owner_all, fs::perm_options::add, ec);
  fs::remove_all(dir_, ec);
}

}  // namespace grader
