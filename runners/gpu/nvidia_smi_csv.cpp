// nvidia-smi's CSV; see nvidia_smi_csv.h.
#include "runners/gpu/nvidia_smi_csv.h"

#include <cctype>
#include <charconv>
#include <sstream>

namespace grader::gpu {

namespace {

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

std::vector<std::string> fields(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  for (std::string f; std::getline(in, f, ',');) out.push_back(trim(f));
  if (!line.empty() && line.back() == ',') out.emplace_back();
  return out;
}

// "used_gpu_memory [MiB]" -> "used_gpu_memory".
std::string column_name(const std::string& header_field) {
  return trim(header_field.substr(0, header_field.find('[')));
}

// The leading number of "2566 MiB" / "100 %" / "2566"; nullopt for "[N/A]" and the like.
std::optional<std::uint64_t> leading_number(const std::string& value) {
  const std::string v = trim(value);
  if (v.empty() || v.front() == '[') return std::nullopt;
  std::uint64_t n = 0;
  const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
  if (ec != std::errc() || end == v.data()) return std::nullopt;
  return n;
}

std::string cell(const std::vector<std::string>& row, std::optional<std::size_t> col) {
  return col ? row[*col] : "";
}

}  // namespace

std::optional<std::size_t> SmiTable::column(std::initializer_list<const char*> names) const {
  for (const char* name : names)
    for (std::size_t i = 0; i < columns.size(); ++i)
      if (columns[i] == name) return i;
  return std::nullopt;
}

SmiTable parse_smi_csv(const std::string& text) {
  SmiTable t;
  std::istringstream lines(text);
  int number = 0;
  for (std::string line; std::getline(lines, line);) {
    ++number;
    const std::string l = trim(line);
    if (l.empty() || l.front() == '#') continue;
    if (t.columns.empty()) {
      for (const std::string& f : fields(l)) t.columns.push_back(column_name(f));
      if (t.columns.empty() || std::isdigit(static_cast<unsigned char>(t.columns.front().front())))
        throw SmiCsvError("nvidia-smi CSV line " + std::to_string(number) +
                          ": expected a header (ask with --format=csv, without noheader): '" + l + "'");
      continue;
    }
    if (l.rfind("No running processes found", 0) == 0) continue;
    std::vector<std::string> row = fields(l);
    if (row.size() != t.columns.size())
      throw SmiCsvError("nvidia-smi CSV line " + std::to_string(number) + ": " + std::to_string(row.size()) +
                        " fields where the header has " + std::to_string(t.columns.size()) + ": '" + l + "'");
    t.rows.push_back(std::move(row));
  }
  return t;
}

std::optional<std::uint64_t> smi_mib_bytes(const std::string& value) {
  const auto mib = leading_number(value);
  if (!mib) return std::nullopt;
  return *mib * 1024 * 1024;
}

std::optional<int> smi_percent(const std::string& value) {
  const auto n = leading_number(value);
  if (!n || *n > 100000) return std::nullopt;
  return static_cast<int>(*n);
}

std::vector<GpuProcess> parse_compute_apps(const std::string& text) {
  const SmiTable t = parse_smi_csv(text);
  const auto pid = t.column({"pid"});
  const auto mem = t.column({"used_gpu_memory", "used_memory"});
  if (!pid || !mem)
    throw SmiCsvError("nvidia-smi --query-compute-apps CSV without a pid and a used memory column");
  const auto dev = t.column({"gpu_uuid", "gpu_bus_id"});
  std::vector<GpuProcess> out;
  for (const auto& row : t.rows) {
    const auto n = leading_number(row[*pid]);
    if (!n) continue;  // a pid the driver would not show is nobody's
    out.push_back({cell(row, dev), static_cast<pid_t>(*n), smi_mib_bytes(row[*mem])});
  }
  return out;
}

std::vector<GpuDevice> parse_query_gpu(const std::string& text) {
  const SmiTable t = parse_smi_csv(text);
  const auto dev = t.column({"uuid", "pci.bus_id", "index"});
  if (!dev) throw SmiCsvError("nvidia-smi --query-gpu CSV without a uuid, pci.bus_id or index column");
  const auto util = t.column({"utilization.gpu"});
  const auto mem = t.column({"memory.used"});
  std::vector<GpuDevice> out;
  for (const auto& row : t.rows)
    out.push_back({row[*dev], util ? smi_percent(row[*util]) : std::nullopt,
                   mem ? smi_mib_bytes(row[*mem]) : std::nullopt});
  return out;
}

}  // namespace grader::gpu
