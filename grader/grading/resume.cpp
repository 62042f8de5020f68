// The grading key; see resume.h.
#include "grader/grading/resume.h"

#include <nlohmann/json.hpp>

#include "grader/util/sha256.h"

namespace grader {

std::string grading_key(const Provenance& p, const RunnerInfo& runner) {
  // A JSON array, so that no field's text can run into the next one's.
  nlohmann::json fields = {p.grader_version,  p.rubric_sha256,  p.provided_hash,
                           p.submission_hash, runner.transport, runner.host,
                           runner.cluster,    runner.executor,  runner.isolation};
  return "sha256:" + sha256_hex(fields.dump());
}

}  // namespace grader
