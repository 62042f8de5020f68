// How `grade` shows a class going by: on a terminal one live line (done/total, running, failed so
// far, an ETA) redrawn in place; otherwise a plain line per submission as it finishes; with
// --quiet nothing until the summary. Thread-safe: the grading threads report to it.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <ostream>
#include <string>

namespace grader::cli {

enum class ProgressMode { Live, Plain, Quiet };

// "12/100 done, 2 running, 1 failed, ETA 3m10s" (ETA left out until it can be estimated).
std::string progress_line(std::size_t done, std::size_t total, std::size_t running, std::size_t failed,
                          double eta_s);

// Seconds left: the mean time of the gradings that really ran, for the rest, `jobs` at a time;
// negative when nothing has run yet.
double eta_seconds(double graded_s, std::size_t graded, std::size_t left, int jobs);

class Progress {
 public:
  Progress(ProgressMode mode, std::ostream& out, std::size_t total, int jobs);
  void started();
  // `line`: how the submission ended ("alice: 5/8 (not full marks)"); `resumed`: taken from its
  // record, not graded now; `failed`: a runner error.
  void finished(const std::string& line, bool resumed, bool failed, double seconds);
  void done();  // ends the live line

 private:
  void draw();
  ProgressMode mode_;
  std::ostream& out_;
  std::size_t total_;
  int jobs_;
  std::size_t done_ = 0, running_ = 0, failed_ = 0, graded_ = 0;
  double graded_s_ = 0;
  std::mutex mu_;
};

}  // namespace grader::cli
