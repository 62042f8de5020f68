// The trees a contained job may read; see visible_paths.h.
#include "runners/contain/visible_paths.h"

#include <algorithm>

namespace grader::contain {

namespace fs = std::filesystem;

namespace {

// `p` is `root` or below it (both normal, absolute).
bool at_or_below(const fs::path& p, const fs::path& root) {
  return std::mismatch(root.begin(), root.end(), p.begin(), p.end()).first == root.end();
}

bool hides(const std::vector<fs::path>& hidden, const fs::path& p) {
  return std::any_of(hidden.begin(), hidden.end(), [&](const fs::path& h) { return at_or_below(p, h); });
}

// Some hidden path lies strictly below `dir`.
bool leads_to_hidden(const std::vector<fs::path>& hidden, const fs::path& dir) {
  return std::any_of(hidden.begin(), hidden.end(),
                     [&](const fs::path& h) { return h != dir && at_or_below(h, dir); });
}

void open_up(const fs::path& dir, const std::vector<fs::path>& hidden, const ListDir& list,
             const Resolve& resolve, std::vector<fs::path>& out) {
  std::vector<std::string> names = list(dir);
  std::sort(names.begin(), names.end());
  for (const std::string& name : names) {
    const fs::path child = dir / name;
    if (hides(hidden, child)) continue;
    if (leads_to_hidden(hidden, child)) {
      open_up(child, hidden, list, resolve, out);
      continue;
    }
    const fs::path real = resolve(child).lexically_normal();
    if (real != child && (hides(hidden, real) || leads_to_hidden(hidden, real))) continue;
    out.push_back(child);
  }
}

}  // namespace

std::vector<fs::path> visible_trees(const std::vector<fs::path>& hidden, const ListDir& list,
                                    const Resolve& resolve) {
  std::vector<fs::path> normal;
  for (const fs::path& h : hidden) {
    fs::path n = h.lexically_normal();
    if (n.has_filename() || n == "/")
      normal.push_back(n);
    else
      normal.push_back(n.parent_path());  // "/a/b/" is "/a/b"
  }
  std::vector<fs::path> out;
  if (hides(normal, "/")) return out;
  if (normal.empty()) return {"/"};
  open_up("/", normal, list, resolve, out);
  return out;
}

std::vector<fs::path> entries_with_prefix(const fs::path& dir, const std::string& prefix,
                                          const ListDir& list) {
  std::vector<fs::path> out;
  for (const std::string& name : list(dir))
    if (name.compare(0, prefix.size(), prefix) == 0) out.push_back(dir / name);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace grader::contain
