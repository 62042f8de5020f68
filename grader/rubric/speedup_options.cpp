// The options of a speedup check; see speedup_options.h.
#include "grader/rubric/speedup_options.h"

#include "grader/rubric/placeholders.h"
#include "grader/rubric/value_rules.h"
#include "grader/util/text.h"

namespace grader {

std::string reference_run_id(const std::string& run) {
  return "@reference:" + run;
}

namespace rubric_loader {

namespace {

const std::vector<std::string> kSpeedupKeys = {"serial", "parallel",  "measure",       "value",    "lower",
                                               "upper",  "reference", "min_reference", "cpu_bound"};
const std::vector<std::string> kMeasures = {"wall", "cpu"};
const std::vector<std::string> kReferences = {"solution"};

// The speedup table `t` of a check whose messages say `where` ("in check 'x'").
class SpeedupReader {
 public:
  SpeedupReader(const TomlTable& t, std::string where, const std::vector<std::string>& run_ids)
      : t_(t), where_(std::move(where)), run_ids_(run_ids) {}

  SpeedupCheck load() {
    t_.reject_unknown(kSpeedupKeys);
    load_measure();
    load_runs();
    load_value();
    load_bounds();
    load_reference();
    load_cpu_bound();
    return c_;
  }

 private:
  std::string name(std::string_view key) const { return "'speedup." + std::string(key) + "' " + where_; }

  void load_measure() {
    std::optional<std::string> m = t_.get_string("measure");
    if (!m || *m == "wall") return;
    if (*m != "cpu")
      fail(t_.value_pos("measure"), name("measure") +
                                        " must be \"wall\" (the serial run's wall time over the "
                                        "parallel run's) or \"cpu\" (the parallel run's CPU time "
                                        "over its wall time), not '" +
                                        *m + "'" + did_you_mean(*m, kMeasures));
    c_.measure = SpeedupMeasure::Cpu;
  }

  std::string run(std::string_view key) const {
    std::optional<std::string> id = t_.get_string(key);
    if (!id) return "";
    if (!contains(run_ids_, *id))
      fail(t_.value_pos(key), name(key) + " names run '" + *id + "', which does not exist" +
                                  suggestion(*id, run_ids_, "the runs are: "));
    return *id;
  }

  void load_runs() {
    c_.parallel = run("parallel");
    c_.serial = run("serial");
    if (c_.parallel.empty())
      fail(t_.pos(), "key 'speedup' " + where_ + " has no 'parallel'; add parallel = \"RUN\", the run on " +
                         "several cores");
    if (c_.measure == SpeedupMeasure::Cpu) {
      if (t_.has("serial"))
        fail(t_.key_pos("serial"), name("serial") + " is not used with measure = \"cpu\", which reads the " +
                                       "parallel run alone (its CPU time over its wall time); leave it out");
      return;
    }
    if (c_.serial.empty())
      fail(t_.pos(),
           "key 'speedup' " + where_ + " has no 'serial'; add serial = \"RUN\", the run that the " +
               "parallel one is compared with (or measure = \"cpu\" to read the parallel run alone)");
    if (c_.serial == c_.parallel)
      fail(t_.value_pos("parallel"), "'speedup.serial' and 'speedup.parallel' " + where_ + " are both run '" +
                                         c_.serial + "'; a speedup compares two different runs");
  }

  void load_value() {
    std::optional<TomlValue> v = t_.get("value");
    if (!v) fail(t_.pos(), "key 'speedup' " + where_ + " has no 'value'; add e.g. value = 1.0");
    if (const std::string* s = v->as_string()) {
      if (*s != kCoresPlaceholder)
        fail(v->pos(),
             name("value") + " must be a number or \"{{cores}}\" (the runner's cores), not '" + *s + "'");
      c_.value_is_cores = true;
      return;
    }
    std::optional<double> n = get_number(t_, "value", false);
    if (!n) t_.wrong_type("value", *v, "a number or \"{{cores}}\"");
    if (*n <= 0)
      fail(v->pos(), name("value") + " must be more than 0: a speedup is a ratio of times, never 0 or less");
    c_.value = *n;
  }

  void load_bounds() {
    c_.lower = get_number(t_, "lower", false);
    c_.upper = get_number(t_, "upper", false);
    if (c_.lower && (*c_.lower < -1 || *c_.lower > 0))
      fail(t_.value_pos("lower"), name("lower") + " must be from -1 to 0, a fraction of 'value' below it " +
                                      "(-0.3: at least 70% of value), as in ReFrame's references");
    if (c_.upper && *c_.upper < 0)
      fail(t_.value_pos("upper"), name("upper") + " must be 0 or more, a fraction of 'value' above it " +
                                      "(0.5: at most 150% of value)");
    if (!c_.lower && !c_.upper)
      fail(t_.pos(), "key 'speedup' " + where_ + " needs 'lower', 'upper' or both; without them every " +
                         "measurement passes");
    if (c_.lower && c_.upper && *c_.lower == 0 && *c_.upper == 0)
      fail(t_.value_pos("upper"), "'speedup.lower' and 'speedup.upper' " + where_ +
                                      " are both 0, which asks for exactly 'value': no timing meets that; " +
                                      "give the spread you accept, e.g. lower = -0.3");
  }

  void load_reference() {
    if (std::optional<std::string> r = t_.get_string("reference")) {
      if (*r != "solution")
        fail(t_.value_pos("reference"),
             name("reference") + " must be \"solution\" (the exercise's reference " +
                 "solution, run in the same grading), not '" + *r + "'" + did_you_mean(*r, kReferences));
      c_.relative = true;
    }
    c_.min_reference = get_number(t_, "min_reference", false);
    if (!c_.min_reference) return;
    if (!c_.relative)
      fail(t_.key_pos("min_reference"), name("min_reference") + " needs reference = \"solution\": it is " +
                                            "what the solution itself must reach here");
    if (*c_.min_reference <= 0)
      fail(t_.value_pos("min_reference"), name("min_reference") + " must be more than 0");
  }

  void load_cpu_bound() {
    std::optional<bool> b = t_.get_bool("cpu_bound");
    if (!b) return;
    if (c_.measure == SpeedupMeasure::Cpu)
      fail(t_.key_pos("cpu_bound"), name("cpu_bound") + " is for measure = \"wall\": measure = \"cpu\" " +
                                        "reads the cores busy already");
    c_.cpu_bound = *b;
  }

  const TomlTable& t_;
  std::string where_;
  const std::vector<std::string>& run_ids_;
  SpeedupCheck c_;
};

}  // namespace

SpeedupCheck load_speedup_check(const TomlTable& check, const TomlValue& value,
                                const std::vector<std::string>& run_ids) {
  std::optional<TomlTable> t = value.as_table(check.where());
  if (!t)
    check.wrong_type(
        "speedup", value,
        "a table like { serial = \"one-core\", parallel = \"all-cores\", value = 1.6, lower = -0.3 }");
  return SpeedupReader(*t, check.where(), run_ids).load();
}

}  // namespace rubric_loader

}  // namespace grader
