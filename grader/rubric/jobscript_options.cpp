// Jobscript check options; see jobscript_options.h.
#include "grader/rubric/jobscript_options.h"

#include <cmath>

#include "grader/cluster/profile.h"
#include "grader/jobscript/parser.h"
#include "grader/rubric/value_rules.h"
#include "grader/util/text.h"

namespace grader::rubric_loader {

namespace {

const std::vector<std::string> kJobscriptKeys = {
    "file",           "profile", "require",           "max_time",     "cores", "tasks",
    "max_memory",     "account", "partition",         "cluster",      "gpu",   "module_before_python",
    "python_modules", "runs",    "srun_for_parallel", "no_home_paths"};

// The jobscript table `j` of a check whose messages say `where` ("in check 'x'").
class OptionsReader {
 public:
  OptionsReader(const TomlTable& j, std::string where) : j_(j), where_(std::move(where)) {}

  JobscriptCheck load();

 private:
  void load_file_and_profile();
  void load_require();
  void load_resources();
  void load_placement();
  void load_python();

  // `key = true`: true; `key = false`: an error; anything else: false (the key's own value).
  bool is_true(std::string_view key) const;
  // `key = true` takes the profile's value: an error when there is no profile, or when it does
  // not have (`has`) the `what` the key needs.
  void from_profile(std::string_view key, bool has, std::string_view what) const;

  const TomlTable& j_;
  std::string where_;
  JobscriptCheck c_;
  const ClusterProfile* profile_ = nullptr;
};

JobscriptCheck OptionsReader::load() {
  j_.reject_unknown(kJobscriptKeys);
  load_file_and_profile();
  load_require();
  load_resources();
  load_placement();
  c_.gpu = j_.get_bool("gpu");
  c_.module_before_python = j_.get_bool("module_before_python").value_or(false);
  load_python();
  c_.srun_for_parallel = j_.get_bool("srun_for_parallel").value_or(false);
  c_.no_home_paths = j_.get_bool("no_home_paths").value_or(false);
  return std::move(c_);
}

bool OptionsReader::is_true(std::string_view key) const {
  std::optional<TomlValue> n = j_.get(key);
  std::optional<bool> b = n ? n->as_bool() : std::nullopt;
  if (b && !*b) {
    fail(n->pos(), "'" + std::string(key) + " = false' " + where_ + " means nothing; leave the key out");
  }
  return b.has_value();
}

void OptionsReader::from_profile(std::string_view key, bool has, std::string_view what) const {
  SourcePos at = j_.value_pos(key);
  if (!profile_) {
    fail(at, "'" + std::string(key) + " = true' " + where_ + " takes its " + std::string(what) +
                 " from a cluster profile; add profile = \"NAME\" or give the value");
  }
  if (!has) {
    fail(at, "'" + std::string(key) + " = true' " + where_ + ": cluster profile '" + profile_->name +
                 "' has no " + std::string(what) + "; give the value");
  }
}

void OptionsReader::load_file_and_profile() {
  std::optional<std::string> file = j_.get_string("file");
  if (!file) fail(j_.pos(), "key 'jobscript' " + where_ + " has no 'file'; add e.g. file = \"job.sh\"");
  c_.file = checked_path(j_, "file", *file, j_.value_pos("file"));

  if (auto name = j_.get_string("profile")) {
    try {
      c_.profile = load_profile(*name);
    } catch (const ProfileError& e) {
      std::string why = e.line() > 0 ? std::string(e.what()) : e.bare_message();
      fail(j_.value_pos("profile"), "cluster profile for 'profile' " + where_ + ": " + why);
    }
  }
  profile_ = c_.profile ? &*c_.profile : nullptr;
}

// require = ["account", "time"]: sbatch's long option names.
void OptionsReader::load_require() {
  auto require = j_.get_strings("require", "an array of sbatch option names like [\"account\", \"time\"]");
  if (!require) return;
  std::vector<std::string> names = jobscript::option_names();
  for (const TomlString& r : *require) {
    const std::string& name = r.value;
    if (jobscript::known_option(name)) {
      c_.require.push_back(name == "cluster" ? "clusters" : name);
      continue;
    }
    std::string text = name;
    while (!text.empty() && text.front() == '-') text.erase(0, 1);
    std::string extra;
    if (text.size() == 1 && !jobscript::long_option(text[0]).empty()) {
      extra = "; write '" + jobscript::long_option(text[0]) + "', sbatch's long name of -" + text;
    } else if (jobscript::known_option(text)) {
      extra = "; write '" + text + "', without the dashes";
    } else {
      extra = did_you_mean(text, names);
      if (extra.empty()) extra = "; give sbatch's long option names, like 'account' or 'time'";
    }
    fail(r.pos, "'" + name + "' in 'require' " + where_ + " is not an sbatch option" + extra);
  }
}

// max_time, cores, max_memory.
void OptionsReader::load_resources() {
  if (is_true("max_time")) {
    from_profile("max_time", profile_ && profile_->max_walltime_s, "maximum walltime");
    c_.max_time_s = *profile_->max_walltime_s;
  } else if (auto t = get_duration(j_, "max_time")) {
    if (*t <= 0) fail(j_.value_pos("max_time"), "key 'max_time' " + where_ + " must be more than 0");
    c_.max_time_s = static_cast<std::int64_t>(std::ceil(*t));
  }
  if (auto cores = j_.get_integer("cores", "a whole number like 2")) {
    if (*cores < 1) fail(j_.value_pos("cores"), "key 'cores' " + where_ + " must be 1 or more");
    c_.cores = *cores;
  }
  if (auto tasks = j_.get_integer("tasks", "a whole number like 2")) {
    if (*tasks < 1) fail(j_.value_pos("tasks"), "key 'tasks' " + where_ + " must be 1 or more");
    c_.tasks = *tasks;
  }
  if (auto m = get_size(j_, "max_memory")) {
    if (*m == 0) fail(j_.value_pos("max_memory"), "key 'max_memory' " + where_ + " must be more than 0");
    c_.max_memory = *m;
  }
}

// account, partition, cluster.
void OptionsReader::load_placement() {
  if (is_true("account")) {
    from_profile("account", profile_ && profile_->account_pattern, "account pattern");
    c_.account = *profile_->account_pattern;
  } else if (auto a = j_.get_string("account")) {
    compile_regex(*a, "account", j_, j_.value_pos("account"), false);
    c_.account = *a;
  }
  if (auto p = j_.get_string("partition")) {
    compile_regex(*p, "partition", j_, j_.value_pos("partition"), false);
    c_.partition = *p;
  }
  if (is_true("cluster")) {
    from_profile("cluster", profile_ && !profile_->cluster.empty(), "cluster flag (-M)");
    c_.cluster = profile_->cluster;
  } else if (auto m = get_line(j_, "cluster")) {
    c_.cluster = *m;
  }
}

// python_modules, runs.
void OptionsReader::load_python() {
  if (is_true("python_modules")) {
    from_profile("python_modules", profile_ && !profile_->python.modules.empty(), "Python modules");
    c_.python_modules = profile_->python.modules;
  } else if (auto mods =
                 j_.get_strings("python_modules", "an array of module name patterns like ['^python/3\\.']")) {
    for (const TomlString& m : *mods) {
      compile_regex(m.value, "python_modules", j_, m.pos, false);
      c_.python_modules.push_back(m.value);
    }
  }
  if (auto r = get_line(j_, "runs")) {
    if (r->empty() || r->find('/') != std::string::npos) {
      fail(j_.value_pos("runs"), "key 'runs' " + where_ +
                                     " names the script a python command runs, "
                                     "without a directory, like \"mmmult.py\"");
    }
    c_.runs = *r;
  }
}

}  // namespace

JobscriptCheck load_jobscript_check(const TomlTable& check, const TomlValue& value) {
  std::optional<TomlTable> table = value.as_table(check.where());
  if (!table)
    check.wrong_type("jobscript", value,
                     "a table like { file = \"job.sh\", require = [\"account\", \"time\"] }");
  return OptionsReader(*table, check.where()).load();
}

}  // namespace grader::rubric_loader
