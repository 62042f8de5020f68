// How much of the cluster a jobscript asks for; see asked.h.
#include "grader/jobscript/asked.h"

#include "grader/jobscript/values.h"

namespace grader::jobscript {

std::optional<std::int64_t> most(const Directive* d) {
  if (!d) return std::nullopt;
  std::string_view v = d->value;
  if (auto dash = v.find('-'); dash != std::string_view::npos) v = v.substr(dash + 1);
  return detail::to_int(v);
}

std::int64_t ceil_div(std::int64_t a, std::int64_t b) {
  return b > 0 ? (a + b - 1) / b : a;
}

Asked nodes_asked(const JobScript& js) {
  Asked a{most(js.find("nodes")).value_or(1), js.find("nodes")};
  const Directive* per = js.find("ntasks-per-node");
  const Directive* n = js.find("ntasks");
  auto per_n = most(per), tasks = most(n);
  if (per_n && tasks && ceil_div(*tasks, *per_n) > a.amount) a = {ceil_div(*tasks, *per_n), per};
  return a;
}

Asked gpus_asked(const JobScript& js, std::int64_t nodes) {
  Asked a;
  for (const Directive& d : js.directives) {
    std::int64_t n = 0;
    if (d.option == "gres") {
      if (auto g = parse_gres(d.value))
        for (const GresSpec& s : *g) n += s.name == "gpu" ? s.count * nodes : 0;
    } else if (d.option == "gpus" || d.option == "gpus-per-node" || d.option == "gpus-per-task") {
      auto g = parse_gpus(d.value);
      std::int64_t each = d.option == "gpus" ? 1 : d.option == "gpus-per-node" ? nodes : js.tasks();
      n = g ? g->count * each : 0;
    }
    if (n > a.amount) a = {n, &d};
  }
  return a;
}

std::optional<Asked> gpus_per_node_asked(const JobScript& js) {
  std::optional<Asked> a;
  auto more = [&](std::int64_t n, const Directive& d) {
    if (!a || n > a->amount) a = Asked{n, &d};
  };
  for (const Directive& d : js.directives) {
    if (d.option == "gres") {
      if (auto g = parse_gres(d.value))
        for (const GresSpec& s : *g)
          if (s.name == "gpu") more(s.count, d);
    } else if (d.option == "gpus-per-node") {
      if (auto g = parse_gpus(d.value)) more(g->count, d);
    } else if (d.option == "gpus-per-task") {
      auto per = most(js.find("ntasks-per-node"));
      auto g = parse_gpus(d.value);
      if (g && per) more(g->count * *per, d);
    }
  }
  return a;
}

}  // namespace grader::jobscript
