// Check ordering; see check_order.h.
#include "grader/rubric/check_order.h"

#include <algorithm>
#include <functional>
#include <map>
#include <string>

#include "grader/rubric/value_rules.h"
#include "grader/util/text.h"

namespace grader::rubric_loader {

namespace {

using Edges = std::vector<std::vector<std::size_t>>;  // check index -> indexes of what it needs

// One check's `needs` as indexes into `pending`.
std::vector<std::size_t> resolve_needs(const std::vector<PendingCheck>& pending, std::size_t i,
                                       const std::map<std::string, std::size_t>& index,
                                       const std::vector<std::string>& ids) {
  const CheckSpec& check = pending[i].spec;
  std::vector<std::size_t> out;
  for (std::size_t k = 0; k < check.needs.size(); ++k) {
    const std::string& need = check.needs[k];
    const SourcePos& at = pending[i].needs_pos[k];
    if (need == check.id) fail(at, "check '" + check.id + "' needs itself");
    auto it = index.find(need);
    if (it == index.end()) {
      std::vector<std::string> others;
      for (const std::string& id : ids) {
        if (id != check.id) others.push_back(id);
      }
      fail(at, "check '" + check.id + "' needs '" + need + "', which does not exist" +
                   suggestion(need, others, "the checks are: "));
    }
    if (std::find(check.needs.begin(), check.needs.begin() + static_cast<long>(k), need) !=
        check.needs.begin() + static_cast<long>(k)) {
      fail(at, "check '" + check.id + "' lists '" + need + "' twice in 'needs'");
    }
    out.push_back(it->second);
  }
  return out;
}

Edges resolve_all_needs(const std::vector<PendingCheck>& pending) {
  std::map<std::string, std::size_t> index;
  std::vector<std::string> ids;
  for (std::size_t i = 0; i < pending.size(); ++i) {
    index[pending[i].spec.id] = i;
    ids.push_back(pending[i].spec.id);
  }
  Edges edges;
  for (std::size_t i = 0; i < pending.size(); ++i) edges.push_back(resolve_needs(pending, i, index, ids));
  return edges;
}

// The cycle that ends on the path (`path` from where `j` is on it), reported from its check
// that comes first in the file, at the need that leads on round the cycle.
[[noreturn]] void report_cycle(const std::vector<PendingCheck>& pending, const Edges& edges,
                               const std::vector<std::size_t>& path, std::size_t j) {
  std::vector<std::size_t> cycle(std::find(path.begin(), path.end(), j), path.end());
  std::rotate(cycle.begin(), std::min_element(cycle.begin(), cycle.end()), cycle.end());
  std::vector<std::string> names;
  for (std::size_t c : cycle) names.push_back(pending[c].spec.id);
  names.push_back(names.front());
  const std::vector<std::size_t>& first = edges[cycle[0]];
  std::size_t k = static_cast<std::size_t>(std::find(first.begin(), first.end(), cycle[1 % cycle.size()]) -
                                           first.begin());
  fail(pending[cycle[0]].needs_pos[k], "needs cycle: " + join(names, " -> "));
}

// Depth-first search for a cycle.
void reject_cycles(const std::vector<PendingCheck>& pending, const Edges& edges) {
  std::vector<int> state(pending.size(), 0);  // 0 unseen, 1 on the path, 2 done
  std::vector<std::size_t> path;
  std::function<void(std::size_t)> visit = [&](std::size_t i) {
    state[i] = 1;
    path.push_back(i);
    for (std::size_t j : edges[i]) {
      if (state[j] == 1) report_cycle(pending, edges, path, j);
      if (state[j] == 0) visit(j);
    }
    state[i] = 2;
    path.pop_back();
  };
  for (std::size_t i = 0; i < pending.size(); ++i) {
    if (state[i] == 0) visit(i);
  }
}

// Repeatedly takes the first check in file order whose needs are all placed; without cycles
// there always is one.
std::vector<CheckSpec> in_needs_order(std::vector<PendingCheck> pending, const Edges& edges) {
  std::vector<CheckSpec> ordered;
  std::vector<bool> placed(pending.size(), false);
  while (ordered.size() < pending.size()) {
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (placed[i]) continue;
      bool ready = std::all_of(edges[i].begin(), edges[i].end(), [&](std::size_t j) { return placed[j]; });
      if (!ready) continue;
      placed[i] = true;
      ordered.push_back(std::move(pending[i].spec));
      break;
    }
  }
  return ordered;
}

}  // namespace

std::vector<CheckSpec> order_checks(std::vector<PendingCheck> pending) {
  Edges edges = resolve_all_needs(pending);
  reject_cycles(pending, edges);
  return in_needs_order(std::move(pending), edges);
}

}  // namespace grader::rubric_loader
