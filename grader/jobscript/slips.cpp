// Shell slips; see slips.h.
#include "grader/jobscript/slips.h"

#include <re2/re2.h>

#include <algorithm>

#include "grader/util/text.h"

namespace grader::jobscript {

namespace {

// The first directories of the clusters' shared storage: a path starting with one of them but
// without the leading '/' is relative by mistake.
const std::vector<std::string> kStorageRoots = {"cfs/", "proj/", "mimer/",   "lunarc/",  "crex/",
                                                "pfs/", "home/", "scratch/", "nobackup/"};

bool is_comment_or_blank(std::string_view line) {
  std::string_view t = trim(line);
  return t.empty() || t.front() == '#';
}

std::string last_word(std::string_view line) {
  std::string_view t = trim(line);
  auto sp = t.find_last_of(" \t");
  return std::string(sp == std::string_view::npos ? t : t.substr(sp + 1));
}

void source_of_a_directory(const Command& c, std::vector<Slip>& out) {
  if ((c.program != "source" && c.program != ".") || c.kind == CommandKind::Activate || c.args.empty())
    return;
  const std::string& target = c.args[0];
  std::string base = target.substr(target.rfind('/') == std::string::npos ? 0 : target.rfind('/') + 1);
  // A file to source has a name like env.sh or .bashrc; a bare name is most likely a venv.
  if (base.empty() || base.find('.') != std::string::npos || base == "activate") return;
  out.push_back({c.line, "reads " + target +
                             " as a script; if it is a virtual environment, activate it with 'source " +
                             target + "/bin/activate'"});
}

void name_twice(const Command& c, std::vector<Slip>& out) {
  if (c.kind != CommandKind::Assignment || !c.value.starts_with(c.name + "=")) return;
  out.push_back({c.line, "sets " + c.name + " to '" + c.value + "': the name is written twice"});
}

void relative_storage_path(const Command& c, std::vector<Slip>& out) {
  if (c.kind != CommandKind::Cd || c.args.empty()) return;
  const std::string& dir = c.args[0];
  for (const auto& root : kStorageRoots) {
    if (dir.starts_with(root)) {
      out.push_back({c.line, "is relative to the directory the job starts in; did you mean /" + dir + "?"});
      return;
    }
  }
}

// A lone word that is no command, after a line ending in a path: the path broken in two.
void broken_path(const Command& c, const std::vector<std::string>& lines, std::vector<Slip>& out) {
  if (c.kind != CommandKind::Other || !c.args.empty() || !c.launcher.empty() || c.line < 2) return;
  static const RE2 kFragment(R"([A-Za-z0-9_][A-Za-z0-9_./-]*)");
  if (!RE2::FullMatch(c.program, kFragment) || c.program.find('/') == 0) return;
  const std::string& before = lines[static_cast<std::size_t>(c.line - 2)];
  if (is_comment_or_blank(before) || trim(before).ends_with("\\")) return;
  // Only after an assignment (MYPATH=/mimer/.../pro): a command on a line of its own after a
  // `cd /path` is ordinary.
  static const RE2 kAssignment(R"(\s*(export\s+)?[A-Za-z_][A-Za-z0-9_]*=\S+\s*)");
  if (!RE2::FullMatch(before, kAssignment)) return;
  std::string tail = last_word(before);
  static const RE2 kPathEnd(R"(.*/[A-Za-z0-9_.-]*[A-Za-z0-9_]['"]?)");
  if (!RE2::FullMatch(tail, kPathEnd)) return;
  out.push_back({c.line, "runs as a command: is it the end of the path on line " +
                             std::to_string(c.line - 1) + " ('" + excerpt(tail, 80) +
                             "'), broken over two lines?"});
}

void placeholders(const JobScript& script, const std::vector<std::string>& lines, std::vector<Slip>& out) {
  static const RE2 kPlaceholder(R"((<[A-Za-z][A-Za-z0-9_ .-]*>))");
  for (std::size_t i = 0; i < lines.size(); ++i) {
    int line = static_cast<int>(i) + 1;
    if (line < script.first_command_line || script.first_command_line == 0) continue;
    if (is_comment_or_blank(lines[i]) || lines[i].find("<<") != std::string::npos) continue;
    std::string found;
    if (!RE2::PartialMatch(lines[i], kPlaceholder, &found)) continue;
    out.push_back({line, "'" + found +
                             "' looks like a placeholder of the template, left in: bash reads '<' as a "
                             "redirection from a file of that name; put in the real value"});
  }
}

}  // namespace

std::vector<Slip> shell_slips(const JobScript& script, const std::vector<std::string>& lines) {
  std::vector<Slip> out;
  for (const Command& c : script.commands) {
    source_of_a_directory(c, out);
    name_twice(c, out);
    relative_storage_path(c, out);
    if (c.line >= 2 && c.line <= static_cast<int>(lines.size())) broken_path(c, lines, out);
  }
  placeholders(script, lines, out);
  std::stable_sort(out.begin(), out.end(), [](const Slip& a, const Slip& b) { return a.line < b.line; });
  return out;
}

}  // namespace grader::jobscript
