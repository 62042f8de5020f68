// nvidia-smi's CSV, the second source where NVML cannot be loaded (issue 16). The sampler asks
// with a header and units (`--format=csv`), so that each column says what it is and a column
// nvidia-smi renamed or moved is still found:
//   nvidia-smi --query-compute-apps=gpu_uuid,pid,used_memory --format=csv
//     gpu_uuid, pid, used_gpu_memory [MiB]
//   nvidia-smi --query-gpu=uuid,utilization.gpu,memory.used --format=csv
//     uuid, utilization.gpu [%], memory.used [MiB]
// A value nvidia-smi cannot give reads "[N/A]", "[Not Supported]" or "[Insufficient
// Permissions]": unknown, never 0. "No running processes found" and a header alone mean none.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "runners/gpu/gpu_usage.h"

namespace grader::gpu {

struct SmiCsvError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The table: column names without their unit ("used_gpu_memory [MiB]" is "used_gpu_memory"),
// then the rows. Blank lines and lines starting with '#' are skipped. Throws SmiCsvError when
// the first line is not a header or a row has another number of fields.
struct SmiTable {
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  // The index of the first of `names` that is a column, or nullopt.
  std::optional<std::size_t> column(std::initializer_list<const char*> names) const;
};
SmiTable parse_smi_csv(const std::string& text);

// "2566 MiB" (or "2566" with nounits, in MiB) in bytes; nullopt for a bracketed "[N/A]".
std::optional<std::uint64_t> smi_mib_bytes(const std::string& value);
// "100 %" (or "100") as a percentage; nullopt for a bracketed value.
std::optional<int> smi_percent(const std::string& value);

// The compute processes of --query-compute-apps (pid and used memory columns required).
std::vector<GpuProcess> parse_compute_apps(const std::string& text);
// The devices of --query-gpu (uuid or pci.bus_id, utilization.gpu and memory.used where asked).
std::vector<GpuDevice> parse_query_gpu(const std::string& text);

}  // namespace grader::gpu
