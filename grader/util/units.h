// Human units in rubrics: durations ("10s", "1.5m", "250ms") and sizes ("512M", "1GiB").
// One parser for each, used by the rubric loader and the CLI alike.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace grader {

// Seconds from "250ms", "10s", "1.5m", "2h", or a bare number of seconds. nullopt when malformed
// or negative.
std::optional<double> parse_duration(std::string_view text);

// Bytes from "512", "512K", "512M", "1.5G", "1GiB", "100MB" (K/M/G/T are binary: 1K = 1024, as
// Slurm and ulimit read them). nullopt when malformed or negative.
std::optional<std::uint64_t> parse_size(std::string_view text);

// A score or points as the CLI and the class files show them: "3", "2.5", "0.333333" (six
// significant digits, no trailing zeros).
std::string format_score(double points);

// Two decimals at most, trailing zeros dropped: "3", "1.5", "0.33", "37.5" (not "38", as "%.2g"
// gave). For points on a terminal and coordinates in SVG.
std::string format_2dp(double v);

// "1.25 s", "250 ms", "3 µs": for messages.
std::string format_duration(double seconds);

// "512 KiB", "1.5 MiB": for messages.
std::string format_size(std::uint64_t bytes);

}  // namespace grader
