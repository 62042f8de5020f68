// Speedup checks; see speedup_check.h.
#include "grader/checks/speedup_check.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace grader {

namespace {

std::string fixed(double v, const char* unit) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f%s", v, unit);
  return buf;
}

// One measurement: of the submission's runs, or of the reference solution's.
struct Measure {
  double value = 0;
  std::string shown;  // "1.84x (one 1.20 s / all-cores 0.65 s)"
};

enum class Lack { None, Failed, Lost, Unavailable };

// Why `id` gives no time to measure, or Lack::None.
Lack lack_of(const std::map<std::string, RunResult>& runs, const std::string& id, const std::string& shown_id,
             std::string& why) {
  auto it = runs.find(id);
  if (it == runs.end()) {
    why = "run '" + shown_id + "' did not take place";
    return Lack::Lost;
  }
  const RunResult& r = it->second;
  std::string ending = r.message.empty() ? to_string(r.status) : r.message;
  if (r.status == RunStatus::Skipped) {
    why = "run '" + shown_id + "' was not run here: " + ending;
    return Lack::Unavailable;
  }
  if (r.status == RunStatus::RunnerError) {
    why = "run '" + shown_id + "' could not be run: " + ending;
    return Lack::Lost;
  }
  if (r.status != RunStatus::Ok) {
    why = "run '" + shown_id + "' did not complete (" + ending + "), so its time says nothing";
    return Lack::Failed;
  }
  if (r.wall_s <= 0) {
    why = "run '" + shown_id + "' took no measurable wall time";
    return Lack::Lost;
  }
  return Lack::None;
}

std::string seconds(double s) {
  return fixed(s, " s");
}

// The serial run's time: its wall time, or its CPU time when that is less. A run that shared its
// core with other work took longer than the CPU it needed, and a one-core run never needs less
// wall time than CPU time: so a serial program can never show a speedup, however loaded the
// machine, and a program that ignores "1 worker" (busy on several cores) keeps its short wall.
double serial_time(const RunResult& r) {
  return r.cpu_s > 0 ? std::min(r.wall_s, r.cpu_s) : r.wall_s;
}

Measure measure(const SpeedupCheck& c, const std::map<std::string, RunResult>& runs,
                const std::string& prefix) {
  const RunResult& par = runs.at(prefix + c.parallel);
  Measure m;
  if (c.measure == SpeedupMeasure::Cpu) {
    m.value = par.cpu_s / par.wall_s;
    m.shown = fixed(m.value, " cores busy") + " (CPU " + seconds(par.cpu_s) + " in " + seconds(par.wall_s) +
              " of '" + c.parallel + "')";
    return m;
  }
  const RunResult& ser = runs.at(prefix + c.serial);
  const double serial_s = serial_time(ser);
  m.value = serial_s / par.wall_s;
  m.shown = fixed(m.value, "x") + " ('" + c.serial + "' " + seconds(serial_s) +
            (serial_s < ser.wall_s ? " of CPU in " + seconds(ser.wall_s) : "") + ", '" + c.parallel + "' " +
            seconds(par.wall_s) + ")";
  const double busy = par.cpu_s / par.wall_s;
  if (c.cpu_bound && par.cpu_s > 0 && busy < m.value) {
    m.shown = fixed(busy, "x") + ", credited as far as '" + c.parallel + "' kept cores busy (" +
              fixed(busy, " cores") + "; the times alone give " + m.shown + ")";
    m.value = busy;
  }
  return m;
}

// A run on one worker keeps one core busy; a little more for the parent's start and its pool.
constexpr double kSerialMostBusy = 1.2;

// With cpu_bound, why the serial run cannot be compared with (it kept several cores busy: it
// ignored its worker count, and its wall time depends on the machine's load), or empty.
std::string not_serial(const SpeedupCheck& c, const std::map<std::string, RunResult>& runs,
                       const std::string& prefix) {
  if (!c.cpu_bound || c.serial.empty()) return "";
  const RunResult& ser = runs.at(prefix + c.serial);
  const double busy = ser.cpu_s / ser.wall_s;
  if (busy <= kSerialMostBusy) return "";
  return "'" + c.serial + "' kept " + fixed(busy, " cores") + " busy (CPU " + seconds(ser.cpu_s) + " in " +
         seconds(ser.wall_s) + "): a serial run keeps one, so it did not run serially, and no speedup " +
         "can be measured against it";
}

// The runs a measure reads, each with a time to read; the verdict when one has none.
bool runs_measurable(const SpeedupCheck& c, const std::map<std::string, RunResult>& runs,
                     const std::string& prefix, bool reference, SpeedupVerdict& v) {
  for (const std::string* id : {&c.serial, &c.parallel}) {
    if (id->empty()) continue;
    std::string why;
    Lack lack = lack_of(runs, prefix + *id, *id, why);
    if (lack == Lack::None) continue;
    std::string whose = reference ? "the reference solution's " : "";
    v.message = "no speedup measured: " + whose + why;
    if (lack == Lack::Unavailable) {
      v.status = CheckStatus::Skipped;
      v.unavailable = true;
      v.message = "skipped: " + whose + why;
    } else if (lack == Lack::Failed && !reference) {
      v.status = CheckStatus::Failed;
    } else {
      v.status = CheckStatus::Error;
      if (reference && lack == Lack::Lost && runs.find(prefix + *id) == runs.end())
        v.message = "no speedup measured: the reference solution was not run in this grading (" + why + ")";
    }
    v.safe = v.message;
    return false;
  }
  return true;
}

std::string bounds_text(double lo, double hi, bool cpu) {
  const char* unit = cpu ? "" : "x";
  if (std::isinf(hi)) return "at least " + fixed(lo, unit);
  if (lo <= 0) return "at most " + fixed(hi, unit);
  return fixed(lo, unit) + " to " + fixed(hi, unit);
}

}  // namespace

SpeedupVerdict evaluate_speedup(const SpeedupCheck& c, const std::map<std::string, RunResult>& runs) {
  SpeedupVerdict v;
  const std::string ref_prefix = reference_run_id("");
  if (!runs_measurable(c, runs, "", false, v)) return v;
  double target = c.value;
  std::string against;
  if (std::string why = not_serial(c, runs, ""); !why.empty()) {
    v.status = CheckStatus::Failed;
    v.message = v.safe = "no speedup: " + why;
    return v;
  }
  if (c.relative) {
    if (!runs_measurable(c, runs, ref_prefix, true, v)) return v;
    if (std::string why = not_serial(c, runs, ref_prefix); !why.empty()) {
      v.status = CheckStatus::Error;
      v.message = v.safe = "no speedup measured: the reference solution's " + why;
      return v;
    }
    Measure ref = measure(c, runs, ref_prefix);
    against = "; the reference solution measured " + ref.shown + " in this grading";
    if (c.min_reference && ref.value < *c.min_reference) {
      v.status = CheckStatus::Skipped;
      v.unavailable = true;
      v.message = "skipped: this runner cannot show the effect now: the reference solution reached only " +
                  ref.shown + " here, and must reach " + fixed(*c.min_reference, "") +
                  " for the measure to tell parallel from serial (a loaded machine, or too few cores)";
      v.safe = v.message;
      return v;
    }
    target = c.value * ref.value;
  }
  const bool cpu = c.measure == SpeedupMeasure::Cpu;
  const double lo = c.lower ? target * (1 + *c.lower) : 0;
  const double hi = c.upper ? target * (1 + *c.upper) : std::numeric_limits<double>::infinity();
  Measure got = measure(c, runs, "");
  std::string what = cpu ? "" : "speedup ";
  std::string expected = bounds_text(lo, hi, cpu);
  if (c.relative) {
    expected += " (value " + fixed(c.value, "") + " times the reference solution's";
    if (c.lower) expected += ", lower " + fixed(*c.lower, "");
    if (c.upper) expected += ", upper " + fixed(*c.upper, "");
    expected += ")";
  }
  if (got.value >= lo && got.value <= hi) {
    v.status = CheckStatus::Passed;
    v.message = what + got.shown + ", within " + expected + against;
    v.safe = what + got.shown + ", within the expected range";
    return v;
  }
  v.status = CheckStatus::Failed;
  v.message = what + got.shown + (got.value < lo ? ", less than " : ", more than ") + "the expected " +
              expected + against;
  v.safe = what + got.shown + ", not within the expected range";
  return v;
}

}  // namespace grader
