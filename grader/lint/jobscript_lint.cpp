// The jobscript linter; see jobscript_lint.h. It asks the jobscript check's evaluator for the
// requirements that fit any script on the cluster and turns each unmet one, line by line, into
// findings.
#include "grader/lint/jobscript_lint.h"

#include <re2/re2.h>

#include <algorithm>
#include <set>

#include "grader/checks/jobscript_check.h"
#include "grader/jobscript/parser.h"
#include "grader/util/text.h"

namespace grader {

namespace {

// Requirements whose failure sbatch or the cluster refuses: errors. The rest are warnings.
const std::set<std::string> kErrors = {"valid", "account_pattern", "cluster", "cluster_partition", "gpu"};

bool runs_python(const jobscript::JobScript& s) {
  return std::any_of(s.commands.begin(), s.commands.end(),
                     [](const jobscript::Command& c) { return c.kind == jobscript::CommandKind::Python; });
}

// The requirements any jobscript on the cluster should meet, whatever the exercise.
JobscriptCheck lint_check(const std::string& file, const jobscript::JobScript& s, const ClusterProfile* p) {
  JobscriptCheck c;
  c.file = file;
  if (p) c.profile = *p;
  if (p && p->account_pattern) c.account = *p->account_pattern;
  if (p && p->gpu && s.requests_gpu()) c.gpu = true;
  if (runs_python(s)) {
    c.module_before_python = true;
    if (p && !p->python.modules.empty()) c.python_modules = p->python.modules;
    c.srun_for_parallel = true;
  }
  c.no_home_paths = true;
  return c;
}

// One message line "job.sh:3: '...' text" or "job.sh: text" as a finding.
LintFinding finding_of(const std::string& file, std::string_view line, bool error) {
  LintFinding f{file, 0, error, std::string(trim(line))};
  const std::string prefix = file + ":";
  if (!f.message.starts_with(prefix)) return f;
  std::string rest = f.message.substr(prefix.size());
  std::size_t digits = 0;
  while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
  if (digits > 0 && digits < rest.size() && rest[digits] == ':') {
    f.line = std::stoi(rest.substr(0, digits));
    f.message = std::string(trim(rest.substr(digits + 1)));
  } else if (digits == 0) {
    f.message = std::string(trim(rest));
  }
  return f;
}

void add_message(const std::string& file, const std::string& message, bool error,
                 std::vector<LintFinding>& out) {
  for (auto line : split_lines(message)) {
    if (trim(line).empty()) continue;
    out.push_back(finding_of(file, line, error));
  }
}

void missing_basics(const std::string& file, const jobscript::JobScript& s, const ClusterProfile* p,
                    std::vector<LintFinding>& out) {
  if (!s.has("time"))
    out.push_back(
        {file, 0, false,
         "no #SBATCH -t: the job gets the partition's default time limit, often its longest, and waits "
         "longer in the queue for it"});
  if (!s.has("account") && !(p && p->account_pattern))
    out.push_back({file, 0, false, "no #SBATCH -A: most clusters want the project the job is billed to"});
}

}  // namespace

std::vector<LintFinding> lint_jobscript(const std::string& file, std::string_view text,
                                        const ClusterProfile* profile) {
  jobscript::JobScript script = jobscript::parse(text);
  JobscriptEvaluation e = evaluate_jobscript(lint_check(file, script, profile), text);
  std::vector<LintFinding> out;
  for (const Requirement& r : e.requirements)
    if (!r.met) add_message(file, r.message, kErrors.count(r.name) > 0, out);
  for (const std::string& note : e.notes) add_message(file, note, false, out);
  missing_basics(file, script, profile, out);
  std::stable_sort(out.begin(), out.end(), [](const LintFinding& a, const LintFinding& b) {
    if (a.line != b.line) return a.line < b.line;
    return a.error && !b.error;
  });
  out.erase(std::unique(out.begin(), out.end(),
                        [](const LintFinding& a, const LintFinding& b) {
                          return a.line == b.line && a.message == b.message;
                        }),
            out.end());
  return out;
}

std::string format_finding(const LintFinding& f) {
  std::string where = f.line > 0 ? f.file + ":" + std::to_string(f.line) : f.file;
  return where + ": " + (f.error ? "error" : "warning") + ": " + f.message;
}

std::string profile_for_host(const std::string& hostname, const std::vector<ClusterProfile>& profiles) {
  // "rackham3.uppmax.uu.se" -> "rackham.uppmax.uu.se": login nodes are numbered.
  static const RE2 kNumbered(R"(^([a-z-]*[a-z])\d+(\..*)?$)");
  std::string host = to_lower(hostname), name, domain;
  if (RE2::FullMatch(host, kNumbered, &name, &domain)) host = name + domain;
  std::string found;
  for (const ClusterProfile& p : profiles) {
    if (!p.login_host || to_lower(*p.login_host) != host) continue;
    // Several clusters share a login node (Snowy's jobs go from Rackham): the one named after it.
    if (found.empty() || host.rfind(p.name + ".", 0) == 0) found = p.name;
  }
  return found;
}

}  // namespace grader
