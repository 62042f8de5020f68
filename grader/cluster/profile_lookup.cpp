// Finding cluster profiles: the profile directory, the names in it, a profile by name or path;
// see profile.h.
#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "grader/cluster/profile.h"
#include "grader/util/text.h"

namespace grader {

namespace fs = std::filesystem;

namespace {

fs::path exe_dir() {
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? fs::path() : exe.parent_path();
}

}  // namespace

fs::path profile_dir() {
  std::error_code ec;
  if (const char* env = std::getenv("GRADER_CLUSTERS_DIR"); env && *env) return env;
  auto search_up = [&](fs::path dir) -> fs::path {
    for (int depth = 0; !dir.empty() && depth < 8; ++depth) {
      for (const fs::path& rel : {fs::path("runners/clusters"), fs::path("share/hpc-grader/clusters")}) {
        fs::path candidate = dir / rel;
        if (fs::is_directory(candidate, ec)) return candidate;
      }
      if (dir == dir.parent_path()) break;
      dir = dir.parent_path();
    }
    return {};
  };
  if (fs::path p = search_up(exe_dir()); !p.empty()) return p;
  return search_up(fs::current_path(ec));
}

std::vector<std::string> profile_names() {
  std::vector<std::string> names;
  fs::path dir = profile_dir();
  std::error_code ec;
  if (dir.empty()) return names;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() == ".toml" && entry.is_regular_file(ec))
      names.push_back(entry.path().stem().string());
  }
  std::sort(names.begin(), names.end());
  return names;
}

ClusterProfile load_profile(const std::string& name_or_path) {
  fs::path path;
  bool by_name = name_or_path.find('/') == std::string::npos &&
                 !(name_or_path.size() > 5 && name_or_path.substr(name_or_path.size() - 5) == ".toml");
  if (by_name) {
    std::vector<std::string> names = profile_names();
    if (std::find(names.begin(), names.end(), name_or_path) == names.end()) {
      std::string guess = did_you_mean(name_or_path, names);
      std::string where = profile_dir().empty() ? "no profile directory found (set GRADER_CLUSTERS_DIR)"
                                                : "the profiles are: " + join(names);
      throw ProfileError(
          name_or_path, 0, 0,
          "no cluster profile '" + name_or_path + "'" + (guess.empty() ? "; " + where : guess));
    }
    path = profile_dir() / (name_or_path + ".toml");
  } else {
    path = name_or_path;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw ProfileError(path.string(), 0, 0, "cannot read cluster profile");
  std::ostringstream text;
  text << in.rdbuf();
  ClusterProfile p = parse_profile(text.str(), path.string());
  if (by_name && p.name != name_or_path)
    throw ProfileError(path.string(), 1, 1,
                       "profile says name = '" + p.name + "', but its file is " + name_or_path + ".toml");
  return p;
}

}  // namespace grader
