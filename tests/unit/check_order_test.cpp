// `needs` and the order of checks (grader/rubric/check_order): each check follows what it needs,
// otherwise the order of the file; bad needs and cycles are errors at the need.
#include "grader/rubric/check_order.h"

#include <gtest/gtest.h>

#include "grader/rubric/loader.h"

using namespace grader;
using namespace grader::rubric_loader;

namespace {

// A check on line `line` that needs `needs`, each need written on the check's line, column 10
// onwards.
PendingCheck check(const std::string& id, int line, std::vector<std::string> needs = {}) {
  PendingCheck p;
  p.spec.id = id;
  p.spec.pos = {"r.toml", line, 1};
  p.id_pos = {"r.toml", line, 6};
  for (std::size_t i = 0; i < needs.size(); ++i)
    p.needs_pos.push_back({"r.toml", line, 10 + 5 * static_cast<int>(i)});
  p.spec.needs = std::move(needs);
  return p;
}

std::vector<std::string> ids(const std::vector<CheckSpec>& checks) {
  std::vector<std::string> out;
  for (const auto& c : checks) out.push_back(c.id);
  return out;
}

std::string error_of(std::vector<PendingCheck> pending) {
  try {
    order_checks(std::move(pending));
  } catch (const RubricError& e) {
    return e.what();
  }
  return "(ordered without error)";
}

}  // namespace

TEST(CheckOrder, WithoutNeedsTheFileOrderStays) {
  EXPECT_EQ(ids(order_checks({check("b", 1), check("a", 2), check("c", 3)})),
            (std::vector<std::string>{"b", "a", "c"}));
}

TEST(CheckOrder, EachCheckFollowsWhatItNeeds) {
  EXPECT_EQ(ids(order_checks({check("runs", 1, {"compiles"}), check("other", 2), check("compiles", 3)})),
            (std::vector<std::string>{"other", "compiles", "runs"}));
  EXPECT_EQ(ids(order_checks({check("c", 1, {"a", "b"}), check("b", 2, {"a"}), check("a", 3)})),
            (std::vector<std::string>{"a", "b", "c"}));
}

TEST(CheckOrder, NeedingItselfIsAnError) {
  EXPECT_EQ(error_of({check("a", 4, {"a"})}), "r.toml:4:10: check 'a' needs itself");
}

TEST(CheckOrder, UnknownNeedSuggestsTheClosestOrListsTheChecks) {
  EXPECT_EQ(error_of({check("runs", 4, {"compile"}), check("compiles", 5)}),
            "r.toml:4:10: check 'runs' needs 'compile', which does not exist; did you mean 'compiles'?");
  EXPECT_EQ(error_of({check("runs", 4, {"zzzzzz"}), check("compiles", 5)}),
            "r.toml:4:10: check 'runs' needs 'zzzzzz', which does not exist; the checks are: compiles");
}

TEST(CheckOrder, ANeedTwiceIsAnError) {
  EXPECT_EQ(error_of({check("runs", 4, {"a", "a"}), check("a", 5)}),
            "r.toml:4:15: check 'runs' lists 'a' twice in 'needs'");
}

TEST(CheckOrder, CycleIsReportedFromItsFirstCheckInTheFile) {
  EXPECT_EQ(error_of({check("x", 3), check("a", 4, {"b"}), check("b", 5, {"c"}), check("c", 6, {"a"})}),
            "r.toml:4:10: needs cycle: a -> b -> c -> a");
  EXPECT_EQ(error_of({check("a", 4, {"x", "b"}), check("b", 5, {"a"}), check("x", 6)}),
            "r.toml:4:15: needs cycle: a -> b -> a");
}
