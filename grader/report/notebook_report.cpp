// runs[].notebook of the JSON report; see notebook_report.h.
#include "grader/report/notebook_report.h"

#include <cmath>

#include "grader/notebook/notebook_results.h"
#include "grader/util/text.h"

namespace grader {

namespace {

using nlohmann::json;

constexpr std::size_t kOutputBytes = 2 * 1024;     // of each output's text
constexpr std::size_t kTracebackBytes = 4 * 1024;  // of each traceback, its end kept
constexpr std::size_t kTotalBytes = 64 * 1024;     // of all outputs' texts together

json or_null(const std::optional<int>& v) {
  return v ? json(*v) : json(nullptr);
}
json or_null(const std::optional<double>& v) {
  return v ? json(std::round(*v * 1e4) / 1e4) : json(nullptr);
}

json output_json(const CellOutput& o, std::size_t& budget) {
  std::string text = budget > 0 ? excerpt(o.text, std::min(kOutputBytes, budget)) : std::string();
  budget -= std::min(budget, text.size());
  json j = {{"type", o.type},
            {"text", sanitize_utf8(text)},
            {"bytes", o.bytes},
            {"truncated", o.truncated || text.size() < o.text.size()}};
  if (o.type == "stream") j["name"] = o.name;
  if (!o.mime.empty()) j["mime"] = o.mime;
  return j;
}

json error_json(const std::optional<CellError>& e) {
  if (!e) return nullptr;
  const std::string& tb = e->traceback;
  std::string tail = tb.size() > kTracebackBytes ? "…" + tb.substr(tb.size() - kTracebackBytes) : tb;
  return {{"ename", sanitize_utf8(e->ename)},
          {"evalue", sanitize_utf8(excerpt(e->evalue, kOutputBytes))},
          {"traceback", sanitize_utf8(tail)}};
}

json cell_json(const CellResult& c, std::size_t& budget) {
  json tags = json::array();
  for (const auto& t : c.tags) tags.push_back(sanitize_utf8(t));
  json outputs = json::array();
  for (const auto& o : c.outputs) outputs.push_back(output_json(o, budget));
  return {{"index", c.index},
          {"id", sanitize_utf8(c.id)},
          {"tags", tags},
          {"source", sanitize_utf8(c.source)},
          {"status", to_string(c.status)},
          {"execution_count", or_null(c.execution_count)},
          {"time_s", std::round(c.time_s * 1e4) / 1e4},
          {"outputs", outputs},
          {"error", error_json(c.error)},
          {"expected_error", c.expected_error},
          {"kernel_exit", or_null(c.kernel_exit)},
          {"kernel_signal", or_null(c.kernel_signal)}};
}

}  // namespace

std::optional<json> notebook_report_json(const RunResult& run) {
  std::optional<NotebookResult> nb = notebook_result(run);
  if (!nb) return std::nullopt;
  std::size_t budget = kTotalBytes;
  json cells = json::array();
  for (const auto& c : nb->cells) cells.push_back(cell_json(c, budget));
  const CellResult* failed = first_failure(*nb);
  return json{{"path", sanitize_utf8(nb->path)},
              {"status", to_string(nb->status)},
              {"reason", sanitize_utf8(nb->reason)},
              {"kernel", sanitize_utf8(nb->kernel)},
              {"nbformat", sanitize_utf8(nb->nbformat)},
              {"kernel_start_s", or_null(nb->kernel_start_s)},
              {"time_s", or_null(nb->time_s)},
              {"dropped_output_bytes", nb->dropped_output_bytes},
              {"results_truncated", nb->truncated},
              {"first_failure", failed ? json(failed->index) : json(nullptr)},
              {"cells", cells}};
}

}  // namespace grader
