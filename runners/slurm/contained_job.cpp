// The contained jobscript and its report; see contained_job.h.
#include "runners/slurm/contained_job.h"

#include <algorithm>

#include "grader/util/text.h"
#include "runners/shell_quote.h"

namespace grader::slurm {

namespace {

std::string flags(const char* flag, const std::vector<std::string>& values) {
  std::string s;
  for (const std::string& v : values) s += std::string(" ") + flag + " " + shell_quote(v);
  return s;
}

}  // namespace

std::string contained_script(std::string_view learner, int first_command_line, const ContainPaths& p) {
  // Line by line, but not split_lines: a learner's \r stays, for sbatch to refuse as before.
  std::string out;
  int line = 0;
  for (std::string_view rest = learner; !rest.empty();) {
    const std::size_t nl = rest.find('\n');
    std::string_view text = rest.substr(0, nl);
    rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
    if (++line == first_command_line) break;
    if (line == 1 && text.substr(0, 2) == "#!") text = "#!/bin/sh";
    out.append(text);
    out += '\n';
  }
  const std::string c = shell_quote(p.contain), report = shell_quote(p.report),
                    script = shell_quote(p.script);
  out += "# hpc-grader: the jobscript runs below, contained where this node allows it (docs/slurm.md)\n";
  out += "if " + c + " --probe >/dev/null 2>&1; then\n";
  out += "  exec " + c + " --report " + report + flags("--hide", p.hide) +
         flags("--hide-prefix", p.hide_prefix) + flags("--rw", p.rw) + " --tmp " + shell_quote(p.tmp) +
         " -- " + script + " \"$@\"\n";
  out += "fi\n";
  out += "echo 'note: nothing in force: grader-contain does not run on this node' > " + report + "\n";
  out += "exec " + script + " \"$@\"\n";
  return out;
}

Isolation parse_isolation(std::string_view report) {
  static const char* const known[] = {"no_new_privs", "rlimits", "landlock", "landlock_scope", "seccomp"};
  Isolation iso;
  for (std::string_view line : split_lines(report)) {
    line = trim(line);
    if (line.substr(0, 5) == "note:") {
      iso.notes.emplace_back(trim(line.substr(5)));
    } else if (std::find(std::begin(known), std::end(known), line) != std::end(known)) {
      iso.in_force.emplace_back(line);
    }
  }
  return iso;
}

}  // namespace grader::slurm
