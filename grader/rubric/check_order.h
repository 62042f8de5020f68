// Parts of the rubric loader (grader/rubric/loader.h): `needs` resolved, and the checks put in
// an order where each follows what it needs.
#pragma once

#include <vector>

#include "grader/rubric/model.h"

namespace grader::rubric_loader {

// A check as read, before its `needs` are resolved.
struct PendingCheck {
  CheckSpec spec;
  SourcePos id_pos;
  std::vector<SourcePos> needs_pos;  // one per spec.needs entry
};

// The checks so that each follows what it needs, otherwise in the order of the file. A need
// that is the check itself, that does not exist or that is listed twice, and a cycle (reported
// from its check that comes first in the file) are errors at the need.
std::vector<CheckSpec> order_checks(std::vector<PendingCheck> pending);

}  // namespace grader::rubric_loader
