// The jobscript parser; see parser.h. Its parts: sbatch's option table (options), the #SBATCH
// part (directives), the shell part (shell_lexer, commands) and the values options take (values).
#include "grader/jobscript/parser.h"

#include <algorithm>
#include <cstdint>

#include "grader/jobscript/commands.h"
#include "grader/jobscript/directives.h"
#include "grader/jobscript/values.h"
#include "grader/util/text.h"

namespace grader::jobscript {

using detail::to_int;

namespace {

// Counts multiply (nodes x tasks per node x cores per task); absurd ones saturate.
std::int64_t saturating_mul(std::int64_t a, std::int64_t b) {
  if (a > 0 && b > 0 && a > INT64_MAX / b) return INT64_MAX;
  return a * b;
}

// A count option's value; "2-4" counts as its minimum.
std::optional<std::int64_t> count_of(const JobScript& js, std::string_view option) {
  const Directive* d = js.find(option);
  if (!d) return std::nullopt;
  std::string_view v = d->value;
  if (auto dash = v.find('-'); dash != std::string_view::npos) v = v.substr(0, dash);
  return to_int(v);
}

}  // namespace

const Directive* JobScript::find(std::string_view option) const {
  for (auto it = directives.rbegin(); it != directives.rend(); ++it) {
    if (it->option == option) return &*it;
    // --cluster is sbatch's alias of --clusters.
    if (option == "clusters" && it->option == "cluster") return &*it;
  }
  return nullptr;
}

std::int64_t JobScript::tasks() const {
  if (auto n = count_of(*this, "ntasks")) return *n;
  if (auto per = count_of(*this, "ntasks-per-node"))
    return saturating_mul(*per, count_of(*this, "nodes").value_or(1));
  return 1;
}

std::int64_t JobScript::cores() const {
  return saturating_mul(tasks(), count_of(*this, "cpus-per-task").value_or(1));
}

bool JobScript::requests_gpu() const {
  for (const Directive& d : directives) {
    if (d.option == "gpus" || d.option == "gpus-per-node" || d.option == "gpus-per-task" ||
        d.option == "gpus-per-socket")
      return true;
    if (d.option == "gres") {
      if (auto g = parse_gres(d.value)) {
        for (const auto& spec : *g)
          if (spec.name == "gpu") return true;
      }
    }
  }
  return false;
}

JobScript parse(std::string_view text) {
  JobScript js;
  std::vector<std::string> lines;
  for (std::string_view l : split_lines(text)) lines.emplace_back(l);
  js.lines = static_cast<int>(lines.size());

  detail::read_shebang(lines, js);
  detail::read_directives(lines, js);
  detail::check_values(js.directives, js.issues);
  detail::read_commands(lines, js);

  std::stable_sort(js.issues.begin(), js.issues.end(),
                   [](const Issue& a, const Issue& b) { return a.line < b.line; });
  return js;
}

}  // namespace grader::jobscript
