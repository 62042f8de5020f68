// See shell_command.h.
#include "runners/remote/shell_command.h"

namespace grader {

std::optional<std::string> shell_command_problem(const RunRequest& request) {
  if (request.argv.empty() || request.argv[0].empty()) return "empty command";
  if (!(request.timeout_s > 0)) return "invalid timeout: " + std::to_string(request.timeout_s) + " s";
  if (request.argv[0].find('=') != std::string::npos)
    return "a command name with '=' cannot run through a remote shell: " + request.argv[0];
  for (const auto& a : request.argv)
    if (a.find('\0') != std::string::npos) return "NUL byte in an argument";
  for (const auto& [key, value] : request.env) {
    if (key.empty() || key.find('=') != std::string::npos || key.find('\0') != std::string::npos ||
        value.find('\0') != std::string::npos)
      return "invalid environment variable: '" + key + "'";
  }
  return std::nullopt;
}

}  // namespace grader
