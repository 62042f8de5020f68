// Check evaluation; see evaluate.h. Learner output is matched with RE2 only (linear time).
#include "grader/checks/evaluate.h"

#include <re2/re2.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <sstream>

#include "grader/checks/check_verdict.h"
#include "grader/checks/conda_check.h"
#include "grader/checks/count_check.h"
#include "grader/checks/environment_check.h"
#include "grader/checks/jobscript_check.h"
#include "grader/checks/notebook_cells.h"
#include "grader/checks/pytest_check.h"
#include "grader/checks/slurm_check.h"
#include "grader/checks/speedup_check.h"
#include "grader/util/text.h"
#include "grader/util/units.h"

namespace grader {

namespace {

constexpr std::size_t kExcerptBytes = 400;

template <class... Ts>
struct overloaded : Ts... {
  using Ts::operator()...;
};
// Written out for clang (clang-tidy reads this file with clang 14, which lacks C++20's
// aggregate deduction).
template <class... Ts>
overloaded(Ts...) -> overloaded<Ts...>;

std::string quote(std::string_view s) {
  return "'" + std::string(s) + "'";
}

// Shows a piece of learner output in a message, on its own lines when it has several.
std::string show_output(std::string_view s) {
  if (s.empty()) return "(nothing)";
  std::string ex = excerpt(s, kExcerptBytes);
  if (ex.find('\n') == std::string::npos || (ex.back() == '\n' && ex.find('\n') == ex.size() - 1)) {
    return quote(trim(ex));
  }
  std::string out = "\n";
  for (auto line : split_lines(ex)) out += "    | " + std::string(line) + "\n";
  if (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

std::string format_number(double v) {
  std::ostringstream o;
  o.precision(12);
  o << v;
  return o.str();
}

// How the run ended, in a phrase to follow "but the run ...".
std::string run_ending(const RunResult& r) {
  if (!r.message.empty()) return r.message;
  return to_string(r.status);
}

Verdict eval_exit(const ExitCodeCheck& c, const RunResult& r) {
  if (r.exit_code && *r.exit_code == c.expected) return pass("exit code " + std::to_string(c.expected));
  std::string msg = "expected exit code " + std::to_string(c.expected) +
                    (r.exit_code ? ", but it exited with code " + std::to_string(*r.exit_code)
                                 : ", but the run ended: " + run_ending(r));
  return fail(msg, msg);
}

struct Subject {
  std::string_view text;
  std::string name;  // "stdout", "file 'out.txt'"
  bool truncated = false;
};

Verdict eval_text(const TextMatch& m, const Subject& s, const RunResults& runs) {
  std::string pattern = m.pattern;
  std::string missing;
  if (!substitute_placeholders(pattern, runs, m.kind == MatchKind::Regex, missing))
    return error("reference run '" + missing + "' did not complete, so the expected text is unknown");
  std::string note = s.truncated ? " (output was truncated at the limit)" : "";
  switch (m.kind) {
    case MatchKind::Contains:
      if (s.text.find(pattern) != std::string_view::npos) return pass(s.name + " contains " + quote(pattern));
      return fail(s.name + " does not contain " + quote(pattern) + note + "; it was: " + show_output(s.text),
                  s.name + " does not contain the expected text" + note);
    case MatchKind::Regex: {
      RE2::Options opts;
      opts.set_log_errors(false);
      RE2 re("(?m)" + pattern, opts);
      if (!re.ok()) return error("invalid regular expression " + quote(pattern) + ": " + re.error());
      if (RE2::PartialMatch(re2::StringPiece(s.text.data(), s.text.size()), re))
        return pass(s.name + " matches /" + pattern + "/");
      return fail(s.name + " does not match /" + pattern + "/" + note + "; it was: " + show_output(s.text),
                  s.name + " does not match the expected pattern" + note);
    }
    case MatchKind::Exact: {
      // Trailing whitespace at the very end is forgiven: print() adds a newline, editors add one.
      auto strip_end = [](std::string_view v) {
        auto e = v.find_last_not_of(" \t\r\n");
        return e == std::string_view::npos ? std::string_view{} : v.substr(0, e + 1);
      };
      std::string got, want;
      for (auto l : split_lines(strip_end(s.text))) got += std::string(l) + "\n";
      for (auto l : split_lines(strip_end(pattern))) want += std::string(l) + "\n";
      if (got == want) return pass(s.name + " is exactly as expected");
      return fail(s.name + " differs from the expected " + show_output(pattern) + note +
                      "; it was: " + show_output(s.text),
                  s.name + " differs from the expected text" + note);
    }
    case MatchKind::Lines: {
      std::vector<std::string> want, got;
      for (auto l : split_lines(pattern))
        if (!trim(l).empty()) want.push_back(normalize_space(l));
      for (auto l : split_lines(s.text))
        if (!trim(l).empty()) got.push_back(normalize_space(l));
      std::size_t same = 0;
      std::size_t first_diff = std::string::npos;
      for (std::size_t i = 0; i < std::max(want.size(), got.size()); ++i) {
        if (i < want.size() && i < got.size() && want[i] == got[i]) {
          ++same;
        } else if (first_diff == std::string::npos) {
          first_diff = i;
        }
      }
      std::size_t total = std::max(want.size(), got.size());
      if (first_diff == std::string::npos)
        return pass(s.name + ": all " + std::to_string(want.size()) + " lines match");
      std::string counts = std::to_string(same) + " of " + std::to_string(total) + " lines match";
      std::string where = "line " + std::to_string(first_diff + 1) + ": expected " +
                          (first_diff < want.size() ? quote(want[first_diff]) : "no more lines") + ", got " +
                          (first_diff < got.size() ? quote(excerpt(got[first_diff], 200)) : "no more lines");
      Verdict v = fail(s.name + ": " + counts + note + "; first difference at " + where,
                       s.name + ": " + counts + note);
      v.fraction = total == 0 ? 0.0 : static_cast<double>(same) / static_cast<double>(total);
      return v;
    }
  }
  return error("unknown text match");
}

Verdict eval_number(const NumberMatch& m, const Subject& s) {
  RE2::Options opts;
  opts.set_log_errors(false);
  RE2 re("(?m)" + m.regex, opts);
  if (!re.ok() || re.NumberOfCapturingGroups() < 1) return error("invalid number pattern " + quote(m.regex));
  std::string captured;
  if (!RE2::PartialMatch(re2::StringPiece(s.text.data(), s.text.size()), re, &captured))
    return fail(s.name + " has no line matching /" + m.regex + "/; it was: " + show_output(s.text),
                s.name + " has no line matching /" + m.regex + "/");
  std::string trimmed(trim(captured));
  char* end = nullptr;
  double got = std::strtod(trimmed.c_str(), &end);
  if (trimmed.empty() || end != trimmed.c_str() + trimmed.size() || !std::isfinite(got))
    return fail("captured " + quote(captured) + ", which is not a number",
                "captured " + quote(captured) + ", which is not a number");
  double tol = 0;
  if (m.abs_tol) tol = std::max(tol, *m.abs_tol);
  if (m.rel_tol) tol = std::max(tol, *m.rel_tol * std::fabs(m.value));
  std::string expected = format_number(m.value) + (tol > 0 ? " ± " + format_number(tol) : "");
  if (std::fabs(got - m.value) <= tol)
    return {CheckStatus::Passed, 1.0, "found " + format_number(got) + ", expected " + expected,
            "found " + format_number(got) + ", within tolerance"};
  return fail("found " + format_number(got) + ", expected " + expected,
              "found " + format_number(got) + ", which is not the expected value");
}

Verdict eval_match(const OutputMatch& match, const Subject& s, const RunResults& runs) {
  return std::visit(overloaded{[&](const TextMatch& m) { return eval_text(m, s, runs); },
                               [&](const NumberMatch& m) { return eval_number(m, s); },
                               [&](const CountMatch& m) { return eval_count(m, s.text, s.name); }},
                    match);
}

Verdict eval_output(const OutputCheck& c, const RunResult& r, const RunResults& runs) {
  Subject s;
  switch (c.stream) {
    case Stream::Stdout: s = {r.out.data, "stdout", r.out.truncated}; break;
    case Stream::Stderr: s = {r.err.data, "stderr", r.err.truncated}; break;
    case Stream::File: {
      auto it = r.files.find(c.path);
      if (it == r.files.end()) return error("file '" + c.path + "' was not collected after the run");
      if (!it->second.exists) {
        std::string msg = "file '" + c.path + "' was not produced";
        return fail(msg, msg);
      }
      s = {it->second.data, "file '" + c.path + "'", it->second.truncated};
      break;
    }
  }
  return eval_match(c.match, s, runs);
}

Verdict eval_cell(const CellCheck& c, const RunResult& r, const RunResults& runs) {
  CellSubject cell = cell_subject(c, r);
  if (!cell.error.empty()) return error(cell.error);
  if (!cell.failure.empty()) return fail(cell.failure, cell.failure);
  Verdict v = eval_match(c.match, {cell.text, cell.name, cell.truncated}, runs);
  if (v.status == CheckStatus::Failed) {
    v.message += cell.note;
    v.safe += cell.note;
  }
  return v;
}

Verdict eval_notebook(const RunResult& r) {
  NotebookVerdict n = notebook_verdict(r);
  if (!n.error.empty()) return error(n.error);
  return n.passed ? pass(n.message) : fail(n.message, n.message);
}

Verdict eval_exists(const FileExistsCheck& c, const RunResult& r) {
  auto it = r.files.find(c.path);
  if (it == r.files.end()) return error("file '" + c.path + "' was not collected after the run");
  if (it->second.exists) return pass("file '" + c.path + "' exists (" + format_size(it->second.size) + ")");
  std::string msg = "file '" + c.path + "' was not produced";
  return fail(msg, msg);
}

Verdict eval_bound(const BoundCheck& c, const RunResult& r) {
  double measured = 0;
  std::string name;
  auto show = [&](double v) {
    return c.metric == Metric::PeakMemory ? format_size(static_cast<std::uint64_t>(v)) : format_duration(v);
  };
  switch (c.metric) {
    case Metric::WallTime:
      measured = r.wall_s;
      name = "wall time";
      break;
    case Metric::CpuTime:
      measured = r.cpu_s;
      name = "CPU time";
      break;
    case Metric::PeakMemory:
      measured = static_cast<double>(r.max_rss_kb) * 1024.0;
      name = "peak memory";
      break;
  }
  if (r.status == RunStatus::Timeout && c.metric == Metric::WallTime) {
    std::string msg = name + " unknown: the run was killed at its time limit (" + show(measured) + ")";
    return fail(msg, msg);
  }
  std::string got = name + " " + show(measured);
  if (c.max && measured > *c.max) {
    std::string msg = got + ", more than the allowed " + show(*c.max);
    return fail(msg, msg);
  }
  if (c.min && measured < *c.min) {
    std::string msg = got + ", less than the required " + show(*c.min);
    return fail(msg, msg);
  }
  std::string bounds = c.max && c.min ? "within " + show(*c.min) + "–" + show(*c.max)
                       : c.max        ? "within " + show(*c.max)
                                      : "at least " + show(*c.min);
  return pass(got + ", " + bounds);
}

// A check of several requirements: "WHAT: 2 of 3 requirements met", then each unmet one (each met
// one when all are) on its own line; with `partial`, the share met.
Verdict requirements_verdict(const std::string& what, const std::vector<Requirement>& reqs,
                             const std::vector<std::string>& notes_in, bool partial) {
  int met = static_cast<int>(std::count_if(reqs.begin(), reqs.end(), [](const auto& r) { return r.met; }));
  int total = static_cast<int>(reqs.size());
  std::string counts =
      what + ": " + std::to_string(met) + " of " + std::to_string(total) + " requirements met";
  std::string notes;
  for (const auto& n : notes_in) notes += "\n  note: " + n;
  // Each requirement's lines indented alike: one message may hold several problems, a line each.
  auto item = [](const std::string& message) {
    std::string out = "\n  ";
    for (char ch : message) out += ch == '\n' ? std::string("\n  ") : std::string(1, ch);
    return out;
  };
  std::string list;
  for (const auto& r : reqs)
    if (!r.met) list += item(r.message);
  if (met == total) {
    std::string passed;
    for (const auto& r : reqs) passed += item(r.message);
    return {CheckStatus::Passed, 1.0, counts + passed + notes, counts};
  }
  Verdict v = fail(counts + ":" + list + notes, counts);
  v.fraction = partial && total > 0 ? static_cast<double>(met) / total : 0.0;
  return v;
}

// A file of the submission as handed in, for static checks; nullptr with `v` set when it cannot
// be graded (`what` names what it should be: "a jobscript").
const CollectedFile* submitted_file(const RunResults& runs, const std::string& file, const std::string& what,
                                    Verdict& v) {
  auto sub = runs.find(kSubmissionRun);
  if (sub == runs.end()) {
    v = error("the submission's files were not read, so '" + file + "' cannot be graded");
    return nullptr;
  }
  auto it = sub->second.files.find(file);
  if (it == sub->second.files.end()) {
    v = error("file '" + file + "' was not read from the submission");
    return nullptr;
  }
  if (!it->second.exists) {
    std::string msg = "file '" + file + "' is not in the submission";
    v = fail(msg, msg);
    return nullptr;
  }
  if (it->second.truncated) {
    std::string msg =
        "file '" + file + "' is too large to be " + what + " (" + format_size(it->second.size) + ")";
    v = fail(msg, msg);
    return nullptr;
  }
  return &it->second;
}

// A jobscript as handed in: read from the submission's files, graded against its requirements.
Verdict eval_jobscript(const JobscriptCheck& c, const RunResults& runs, bool partial) {
  Verdict v;
  const CollectedFile* f = submitted_file(runs, c.file, "a jobscript", v);
  if (!f) return v;
  JobscriptEvaluation e = evaluate_jobscript(c, f->data);
  return requirements_verdict(c.file, e.requirements, e.notes, partial);
}

// environment.yml (and the script that creates the env) as handed in.
Verdict eval_conda(const CondaEnvCheck& c, const RunResults& runs, bool partial) {
  Verdict v;
  const CollectedFile* yml = submitted_file(runs, c.file, "an environment file", v);
  if (!yml) return v;
  std::vector<Requirement> reqs = evaluate_conda_yaml(c, yml->data);
  if (c.script) {
    const CollectedFile* sh = submitted_file(runs, *c.script, "a shell script", v);
    if (!sh) return v;
    for (auto& r : evaluate_conda_script(c, sh->data)) reqs.push_back(std::move(r));
  }
  return requirements_verdict(c.script ? c.file + " and " + *c.script : c.file, reqs, {}, partial);
}

Verdict eval_environment(const EnvironmentCheck& c, const RunResult& build, const RunResults& runs,
                         bool partial) {
  EnvironmentEvaluation e = evaluate_environment(c, build, runs);
  if (!e.error.empty()) return error(e.error);
  return requirements_verdict(c.path, e.requirements, {}, partial);
}

Verdict eval_requirements(const RequirementsCheck& c, const RunResult& r, bool partial) {
  auto it = r.files.find(c.file);
  if (it == r.files.end() || !it->second.exists) {
    std::string msg = "the run left no " + c.file;
    return fail(msg, msg);
  }
  if (it->second.truncated) {
    std::string msg =
        c.file + " is too large to be a requirements file (" + format_size(it->second.size) + ")";
    return fail(msg, msg);
  }
  return requirements_verdict(c.file, evaluate_requirements(c, it->second.data), {}, partial);
}

}  // namespace

bool substitute_placeholders(std::string& pattern, const RunResults& runs, bool for_regex,
                             std::string& missing) {
  static const std::string open = "{{stdout:";
  std::size_t pos = 0;
  while ((pos = pattern.find(open, pos)) != std::string::npos) {
    auto close = pattern.find("}}", pos);
    if (close == std::string::npos) break;
    std::string id = pattern.substr(pos + open.size(), close - pos - open.size());
    auto it = runs.find(id);
    if (it == runs.end() || it->second.status != RunStatus::Ok) {
      missing = id;
      return false;
    }
    std::string value(trim(it->second.out.data));
    if (for_regex) value = RE2::QuoteMeta(value);
    pattern.replace(pos, close + 2 - pos, value);
    pos += value.size();
  }
  return true;
}

CheckResult blank_result(const CheckSpec& check, bool hidden) {
  CheckResult r;
  r.id = check.id;
  r.title = check.title.empty() ? check.id : check.title;
  r.max_points = check.points;
  r.hidden = hidden;
  r.hint = check.hint;
  return r;
}

CheckResult evaluate_check(const CheckSpec& check, const RunResults& runs, bool hidden) {
  if (std::holds_alternative<PytestCheck>(check.kind)) return evaluate_pytest(check, runs, hidden);
  CheckResult result = blank_result(check, hidden);

  auto it = runs.find(check.run);
  Verdict v;
  if (const auto* job = std::get_if<JobscriptCheck>(&check.kind)) {
    v = eval_jobscript(*job, runs, check.partial);
  } else if (const auto* conda = std::get_if<CondaEnvCheck>(&check.kind)) {
    v = eval_conda(*conda, runs, check.partial);
  } else if (const auto* speedup = std::get_if<SpeedupCheck>(&check.kind)) {
    SpeedupVerdict s = evaluate_speedup(*speedup, runs);
    v = {s.status, 0.0, s.message, s.safe};
    result.unavailable = s.unavailable;
  } else if (it == runs.end()) {
    v = error("run '" + check.run + "' did not take place");
  } else if (it->second.status == RunStatus::RunnerError) {
    v = error("run '" + check.run + "' could not be run: " + it->second.message);
  } else {
    const RunResult& r = it->second;
    v = std::visit(
        overloaded{[&](const ExitCodeCheck& c) { return eval_exit(c, r); },
                   [&](const OutputCheck& c) { return eval_output(c, r, runs); },
                   [&](const FileExistsCheck& c) { return eval_exists(c, r); },
                   [&](const BoundCheck& c) { return eval_bound(c, r); },
                   [&](const EnvironmentCheck& c) { return eval_environment(c, r, runs, check.partial); },
                   [&](const RequirementsCheck& c) { return eval_requirements(c, r, check.partial); },
                   [&](const CellCheck& c) { return eval_cell(c, r, runs); },
                   [&](const NotebookCheck&) { return eval_notebook(r); },
                   [&](const JobscriptCheck&) { return error("unreachable"); },
                   [&](const CondaEnvCheck&) { return error("unreachable"); },
                   [&](const SlurmCheck& c) { return eval_slurm(c, r); },
                   [&](const SpeedupCheck&) { return error("unreachable"); },
                   [&](const PytestCheck&) { return error("unreachable"); }},
        check.kind);
    // Output checks on a run that crashed say so: the output alone would mislead.
    if (v.status == CheckStatus::Failed && r.status != RunStatus::Ok &&
        !std::holds_alternative<ExitCodeCheck>(check.kind) && !reads_notebook(check.kind)) {
      v.message += " (the run " + run_ending(r) + ")";
      v.safe += " (the run " + run_ending(r) + ")";
    }
  }
  result.status = v.status;
  if (v.status == CheckStatus::Passed) {
    result.points = check.points;
  } else if (v.status == CheckStatus::Failed && check.partial) {
    result.points = check.points * v.fraction;
  }
  result.detail = v.message;
  result.message = hidden ? v.safe : v.message;
  if (!check.partial && v.status == CheckStatus::Failed) result.points = 0;
  return result;
}

}  // namespace grader
