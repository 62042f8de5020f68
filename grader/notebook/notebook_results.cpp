// Reading the notebook driver's JSON lines; see notebook_results.h.
#include "grader/notebook/notebook_results.h"

#include <cstring>
#include <map>
#include <nlohmann/json.hpp>

#include "grader/util/text.h"

namespace grader {

using nlohmann::json;

namespace {

// Typed reads that never throw: a field of the wrong type reads as absent.
std::string str(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
std::optional<std::int64_t> integer(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}
std::optional<double> number(const json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_number()) return std::nullopt;
  return it->get<double>();
}
std::vector<std::string> strings(const json& j, const char* key) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || !it->is_array()) return out;
  for (const auto& v : *it)
    if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}
std::optional<int> small_int(const json& j, const char* key) {
  std::optional<std::int64_t> v = integer(j, key);
  if (!v || *v < -1000000 || *v > 1000000) return std::nullopt;
  return static_cast<int>(*v);
}

CellOutput output_of(const json& o) {
  CellOutput out;
  out.type = str(o, "type");
  out.name = str(o, "name");
  out.text = out.type == "error" ? str(o, "ename") + ": " + str(o, "evalue") : str(o, "text");
  out.bytes = static_cast<std::uint64_t>(std::max<std::int64_t>(0, integer(o, "bytes").value_or(0)));
  auto t = o.find("truncated");
  out.truncated = t != o.end() && t->is_boolean() && t->get<bool>();
  out.mime = strings(o, "mime");
  return out;
}

CellStatus cell_status(const std::string& s) {
  static const std::map<std::string, CellStatus> kNames = {{"ok", CellStatus::Ok},
                                                           {"error", CellStatus::Error},
                                                           {"kernel_died", CellStatus::KernelDied},
                                                           {"empty", CellStatus::Empty},
                                                           {"skipped", CellStatus::Skipped}};
  auto it = kNames.find(s);
  return it == kNames.end() ? CellStatus::NotRun : it->second;
}

void read_cell_event(const json& e, CellResult& cell) {
  cell.status = cell_status(str(e, "status"));
  cell.execution_count = small_int(e, "execution_count");
  cell.time_s = number(e, "time_s").value_or(0);
  if (auto it = e.find("outputs"); it != e.end() && it->is_array())
    for (const auto& o : *it)
      if (o.is_object()) cell.outputs.push_back(output_of(o));
  if (auto it = e.find("error"); it != e.end() && it->is_object())
    cell.error = CellError{str(*it, "ename"), str(*it, "evalue"), str(*it, "traceback")};
  auto expected = e.find("expected_error");
  cell.expected_error = expected != e.end() && expected->is_boolean() && expected->get<bool>();
  cell.kernel_exit = small_int(e, "kernel_exit");
  cell.kernel_signal = small_int(e, "kernel_signal");
}

void read_start(const json& e, NotebookResult& nb) {
  nb.path = str(e, "notebook");
  nb.kernel = str(e, "kernel");
  nb.nbformat = str(e, "nbformat");
  nb.dropped_output_bytes =
      static_cast<std::uint64_t>(std::max<std::int64_t>(0, integer(e, "dropped_output_bytes").value_or(0)));
  auto cells = e.find("cells");
  if (cells == e.end() || !cells->is_array()) return;
  for (const auto& c : *cells) {
    if (!c.is_object()) continue;
    CellResult cell;
    cell.index = small_int(c, "index").value_or(0);
    cell.id = str(c, "id");
    cell.tags = strings(c, "tags");
    cell.source = str(c, "source");
    nb.cells.push_back(std::move(cell));
  }
}

CellResult* cell_at(NotebookResult& nb, const json& e) {
  std::optional<int> index = small_int(e, "index");
  for (auto& c : nb.cells)
    if (index && c.index == *index) return &c;
  return nullptr;
}

// The notebook's status once every line is read: from the driver's last word, or from the cells.
void settle(NotebookResult& nb, bool ended, const std::string& verdict) {
  if (!verdict.empty()) return;
  bool error = false;
  for (auto& c : nb.cells) {
    if (c.status == CellStatus::KernelDied) {
      nb.status = NotebookStatus::KernelDied;
      return;
    }
    error = error || c.status == CellStatus::Error;
  }
  if (!ended) {
    nb.status = nb.cells.empty() && nb.path.empty() ? NotebookStatus::Missing : NotebookStatus::Interrupted;
    return;
  }
  nb.status = error ? NotebookStatus::CellError : NotebookStatus::Ok;
}

std::string signal_name(int sig) {
  const char* abbrev = sigabbrev_np(sig);
  return "signal " + std::to_string(sig) + (abbrev ? std::string(" (SIG") + abbrev + ")" : "");
}

// "; 2 more cells raised errors after it", or nothing.
std::string more_errors(const NotebookResult& nb, const CellResult* first) {
  int more = 0;
  for (const auto& c : nb.cells)
    if (&c != first && c.status == CellStatus::Error) ++more;
  if (more == 0) return "";
  return "; " + std::to_string(more) +
         (more == 1 ? " more cell raised an error" : " more cells raised errors") + " after it";
}

}  // namespace

std::string to_string(CellStatus s) {
  switch (s) {
    case CellStatus::Ok: return "ok";
    case CellStatus::Error: return "error";
    case CellStatus::KernelDied: return "kernel_died";
    case CellStatus::Running: return "running";
    case CellStatus::NotRun: return "not_run";
    case CellStatus::Empty: return "empty";
    case CellStatus::Skipped: return "skipped";
  }
  return "not_run";
}

std::string to_string(NotebookStatus s) {
  switch (s) {
    case NotebookStatus::Ok: return "ok";
    case NotebookStatus::CellError: return "cell_error";
    case NotebookStatus::KernelDied: return "kernel_died";
    case NotebookStatus::KernelFailed: return "kernel_failed";
    case NotebookStatus::Invalid: return "invalid";
    case NotebookStatus::Unavailable: return "unavailable";
    case NotebookStatus::Interrupted: return "interrupted";
    case NotebookStatus::Missing: return "missing";
  }
  return "missing";
}

std::string notebook_results_path(const std::string& run_id) {
  return ".grader-notebook/" + run_id + ".jsonl";
}

NotebookResult parse_notebook_results(std::string_view jsonl, bool truncated) {
  NotebookResult nb;
  nb.truncated = truncated;
  bool ended = false;
  std::string verdict;  // the driver's own: invalid, kernel_failed, unavailable
  for (std::string_view line : split_lines(jsonl)) {
    json e = json::parse(line, nullptr, false);
    if (!e.is_object()) continue;
    const std::string event = str(e, "event");
    if (event == "start") {
      read_start(e, nb);
    } else if (event == "kernel") {
      nb.kernel_start_s = number(e, "time_s");
    } else if (event == "running") {
      if (CellResult* c = cell_at(nb, e)) c->status = CellStatus::Running;
    } else if (event == "cell") {
      if (CellResult* c = cell_at(nb, e)) read_cell_event(e, *c);
    } else if (event == "end") {
      ended = true;
      nb.time_s = number(e, "time_s");
    } else if (event == "invalid" || event == "kernel_failed" || event == "unavailable") {
      verdict = event;
      nb.reason = str(e, "reason");
      nb.status = event == "invalid"         ? NotebookStatus::Invalid
                  : event == "kernel_failed" ? NotebookStatus::KernelFailed
                                             : NotebookStatus::Unavailable;
    }
  }
  settle(nb, ended, verdict);
  return nb;
}

std::optional<NotebookResult> notebook_result(const RunResult& run) {
  auto it = run.files.find(notebook_results_path(run.id));
  if (it == run.files.end()) return std::nullopt;
  if (!it->second.exists) return NotebookResult{};
  return parse_notebook_results(it->second.data, it->second.truncated);
}

const CellResult* first_failure(const NotebookResult& nb) {
  for (const auto& c : nb.cells)
    if (c.status == CellStatus::Error || c.status == CellStatus::KernelDied ||
        c.status == CellStatus::Running)
      return &c;
  return nullptr;
}

std::string cell_name(const CellResult& cell) {
  std::string name = "cell " + std::to_string(cell.index);
  if (!cell.source.empty()) name += " (`" + excerpt(cell.source, 60) + "`)";
  return name;
}

std::string cell_problem(const CellResult& cell) {
  switch (cell.status) {
    case CellStatus::Error: {
      if (!cell.error) return "raised an error";
      std::string value = first_line(cell.error->evalue);
      return "raised " + cell.error->ename + (value.empty() ? "" : ": " + excerpt(value, 200));
    }
    case CellStatus::KernelDied:
      if (cell.kernel_exit)
        return "killed the kernel (it exited with code " + std::to_string(*cell.kernel_exit) + ")";
      if (cell.kernel_signal)
        return "killed the kernel (it was ended by " + signal_name(*cell.kernel_signal) + ")";
      return "killed the kernel";
    case CellStatus::Running: return "was still running";
    case CellStatus::NotRun: return "did not run";
    case CellStatus::Empty: return "is empty";
    case CellStatus::Skipped: return "was not run: it is tagged skip-execution";
    case CellStatus::Ok: return "ran";
  }
  return "did not run";
}

std::string describe_notebook_run(const NotebookResult& nb, const RunResult& run) {
  const CellResult* failed = first_failure(nb);
  std::string prefix = run.status == RunStatus::NonzeroExit || run.status == RunStatus::Ok ? "" : run.message;
  auto join_to = [&](const std::string& what) { return prefix.empty() ? what : prefix + "; " + what; };
  switch (nb.status) {
    case NotebookStatus::Ok: return prefix;
    case NotebookStatus::Invalid:
    case NotebookStatus::KernelFailed: return join_to("did not run the notebook: " + nb.reason);
    case NotebookStatus::Unavailable: return join_to(nb.reason);
    case NotebookStatus::Missing: return run.message;
    case NotebookStatus::CellError:
    case NotebookStatus::KernelDied:
      if (!failed) return prefix;
      return join_to("failed: " + cell_name(*failed) + " " + cell_problem(*failed) + more_errors(nb, failed));
    case NotebookStatus::Interrupted:
      if (failed) return join_to(cell_name(*failed) + " was running");
      return join_to(nb.kernel_start_s ? "after the last cell, while the kernel shut down"
                                       : "the kernel was still starting");
  }
  return prefix;
}

}  // namespace grader
