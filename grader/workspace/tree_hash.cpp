// The submission tree hash; see tree_hash.h.
#include "grader/workspace/tree_hash.h"

#include <algorithm>
#include <system_error>
#include <vector>

#include "grader/util/sha256.h"

namespace grader {

namespace fs = std::filesystem;

namespace {

std::string record(const fs::path& dir, const std::string& rel) {
  const fs::path p = dir / rel;
  const fs::file_status st = fs::symlink_status(p);
  std::string type = "o", mode = "-", digest = "-";
  if (fs::is_symlink(st)) {
    type = "l";
    digest = sha256_hex(fs::read_symlink(p).string());
  } else if (fs::is_directory(st)) {
    type = "d";
  } else if (fs::is_regular_file(st)) {
    type = "f";
    mode = (st.permissions() & fs::perms::owner_exec) != fs::perms::none ? "755" : "644";
    digest = sha256_file_hex(p);
  }
  std::string r = type + " " + mode + " " + digest + " " + rel;
  r += '\0';
  return r;
}

}  // namespace

std::string tree_hash(const fs::path& dir) {
  std::vector<std::string> paths;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, fs::directory_options::none, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec))
    paths.push_back(it->path().lexically_relative(dir).generic_string());
  if (ec) throw std::runtime_error("cannot read " + dir.string() + ": " + ec.message());
  std::sort(paths.begin(), paths.end());
  Sha256 h;
  for (const auto& rel : paths) h.update(record(dir, rel));
  return "sha256:" + h.hex();
}

}  // namespace grader
