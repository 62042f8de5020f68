// Runner placeholders; see placeholders.h.
#include "grader/rubric/placeholders.h"

namespace grader {

const std::vector<std::string>& env_placeholder_names() {
  static const std::vector<std::string> names = {"workdir", "python_modules", "project_dir", "cores", "seed"};
  return names;
}

const std::vector<std::string>& command_placeholder_names() {
  // Not the paths: the sandbox shows the workspace under another name, which it rewrites in the
  // environment only; commands reach them as $VARIABLES set in `env`.
  static const std::vector<std::string> names = {"python_modules", "cores"};
  return names;
}

std::vector<PlaceholderUse> find_placeholders(std::string_view text) {
  std::vector<PlaceholderUse> uses;
  for (std::size_t open = text.find("{{"); open != std::string_view::npos; open = text.find("{{", open + 2)) {
    std::size_t end = open + 2;
    while (end < text.size() && ((text[end] >= 'a' && text[end] <= 'z') || text[end] == '_')) ++end;
    if (end == open + 2 || text.substr(end, 2) != "}}") continue;
    uses.push_back({open, std::string(text.substr(open + 2, end - open - 2))});
  }
  return uses;
}

std::string replace_all(std::string text, std::string_view placeholder, std::string_view value) {
  if (placeholder.empty()) return text;
  for (auto pos = text.find(placeholder); pos != std::string::npos; pos = text.find(placeholder, pos)) {
    text.replace(pos, placeholder.size(), value);
    pos += value.size();
  }
  return text;
}

}  // namespace grader
