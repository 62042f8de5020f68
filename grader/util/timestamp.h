// Wall-clock times for reports: UTC, ISO 8601 to the second ("2026-12-02T03:50:07Z").
#pragma once

#include <chrono>
#include <string>

namespace grader {

std::string iso_utc(std::chrono::system_clock::time_point t);
inline std::string iso_utc_now() {
  return iso_utc(std::chrono::system_clock::now());
}

}  // namespace grader
