// Progress of a class; see progress.h.
#include "grader/cli/progress.h"

#include <cmath>

namespace grader::cli {

std::string progress_line(std::size_t done, std::size_t total, std::size_t running, std::size_t failed,
                          double eta_s) {
  std::string line = std::to_string(done) + "/" + std::to_string(total) + " done, " +
                     std::to_string(running) + " running, " + std::to_string(failed) + " failed";
  if (eta_s >= 0 && done < total) {
    long s = std::lround(eta_s);
    line += ", ETA " + (s >= 60 ? std::to_string(s / 60) + "m" : "") + std::to_string(s % 60) + "s";
  }
  return line;
}

double eta_seconds(double graded_s, std::size_t graded, std::size_t left, int jobs) {
  if (graded == 0) return -1;
  double waves = std::ceil(static_cast<double>(left) / std::max(jobs, 1));
  return graded_s / static_cast<double>(graded) * waves;
}

Progress::Progress(ProgressMode mode, std::ostream& out, std::size_t total, int jobs)
    : mode_(mode), out_(out), total_(total), jobs_(jobs) {}

void Progress::started() {
  std::lock_guard<std::mutex> lock(mu_);
  ++running_;
  draw();
}

void Progress::finished(const std::string& line, bool resumed, bool failed, double seconds) {
  std::lock_guard<std::mutex> lock(mu_);
  --running_;
  ++done_;
  if (failed) ++failed_;
  if (!resumed) {
    ++graded_;
    graded_s_ += seconds;
  }
  if (mode_ == ProgressMode::Plain)
    out_ << "[" << done_ << "/" << total_ << "] " << line << (resumed ? " (unchanged, not regraded)" : "")
         << "\n"
         << std::flush;
  draw();
}

void Progress::draw() {
  if (mode_ != ProgressMode::Live) return;
  // \r and erase-to-end-of-line: the line is redrawn in place, never scrolls.
  out_ << "\r\033[K"
       << progress_line(done_, total_, running_, failed_,
                        eta_seconds(graded_s_, graded_, total_ - done_, jobs_))
       << std::flush;
}

void Progress::done() {
  std::lock_guard<std::mutex> lock(mu_);
  if (mode_ == ProgressMode::Live) out_ << "\r\033[K" << std::flush;
}

}  // namespace grader::cli
