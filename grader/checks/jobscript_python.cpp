// The jobscript check's requirements on what the script runs: modules before python, the Python
// modules, the script python runs, srun for parallel jobs, no paths into home directories. See
// jobscript_evaluator.h.
#include <re2/re2.h>

#include <algorithm>
#include <cstdlib>

#include "grader/checks/jobscript_evaluator.h"
#include "grader/util/text.h"

namespace grader::jobscript_eval {

const js::Command* Evaluator::first_python() const {
  for (const auto& cmd : script_.commands)
    if (cmd.kind == js::CommandKind::Python) return &cmd;
  return nullptr;
}

// The modules loaded when `cmd` starts, by the script's own module commands.
std::vector<std::string> Evaluator::loaded_before(const js::Command& cmd) const {
  std::vector<std::string> loaded;
  for (const auto& c : script_.commands) {
    if (&c == &cmd) break;
    if (c.kind != js::CommandKind::Module) continue;
    if (c.module_action == "purge") loaded.clear();
    auto same = [](const std::string& a, const std::string& b) {
      // "python" unloads "python/3.11.8"
      return a == b || a.rfind(b + "/", 0) == 0 || b.rfind(a + "/", 0) == 0;
    };
    for (const auto& u : c.unloads)
      loaded.erase(
          std::remove_if(loaded.begin(), loaded.end(), [&](const std::string& m) { return same(m, u); }),
          loaded.end());
    for (const auto& l : c.loads) loaded.push_back(l);
  }
  return loaded;
}

void Evaluator::module_before_python() {
  const js::Command* py = first_python();
  if (!py) {
    add("module_before_python", false, file_ + ": runs no python");
    return;
  }
  std::vector<std::string> loaded = loaded_before(*py);
  if (!loaded.empty()) {
    add("module_before_python", true, at(py->line) + " runs after 'module load " + join(loaded, " ") + "'");
    return;
  }
  std::string later;
  for (const auto& c : script_.commands) {
    if (c.kind == js::CommandKind::Module && !c.loads.empty() && c.line >= py->line) {
      later = " (the module load at line " + std::to_string(c.line) + " comes too late)";
      break;
    }
  }
  add("module_before_python", false, at(py->line) + " runs before any module is loaded" + later);
}

namespace {

// EasyBuild and site modules that load a Python module as their dependency (`module show
// SciPy-bundle/2023.07` lists depends_on("Python/3.11.3")): loading one of them loads Python.
const std::vector<std::string> kBringPython = {"SciPy-bundle", "matplotlib",     "Seaborn",
                                               "PyTorch",      "PyTorch-bundle", "TensorFlow",
                                               "mpi4py",       "numba",          "numba-cuda",
                                               "scikit-learn", "JupyterLab",     "Python-bundle-PyPI",
                                               "Tkinter",      "dask",           "python_ML_packages",
                                               "h5py",         "netCDF4",        "CuPy",
                                               "Horovod",      "IPython",        "jupyter-server",
                                               "pandas",       "scipy"};

std::string module_name(const std::string& module) {
  return module.substr(0, module.find('/'));
}

// A bare name ("cray-python") that a versioned pattern ('^cray-python/3\.\d+\.\d+$') is about:
// Lmod loads the default version.
bool bare_name_of(const std::string& module, const std::string& pattern) {
  if (module.find('/') != std::string::npos) return false;
  std::string p = pattern.starts_with("^") ? pattern.substr(1) : pattern;
  std::string name;
  for (std::size_t i = 0; i < p.size() && p[i] != '/'; ++i) {
    if (p[i] == '\\' && i + 1 < p.size())
      ++i;
    else if (std::string("()[]{}*+?|.$^").find(p[i]) != std::string::npos)
      return false;
    name += p[i];
  }
  return name == module && p.find('/') != std::string::npos;
}

}  // namespace

// The loaded module that gives python, and how ("" when none does).
std::string Evaluator::python_from(const std::vector<std::string>& loaded,
                                   const std::vector<std::string>& patterns) const {
  for (const auto& m : loaded)
    for (const auto& p : patterns) {
      if (full_match(m, p)) return "runs with the module " + m;
      if (bare_name_of(m, p)) return "runs with the module " + m + " (its default version)";
    }
  std::vector<std::string> bundles = profile_ ? profile_->python.bundles : std::vector<std::string>{};
  for (const auto& m : loaded) {
    bool bundle = std::any_of(bundles.begin(), bundles.end(),
                              [&](const std::string& b) { return module_name(b) == module_name(m); });
    if (bundle || std::find(kBringPython.begin(), kBringPython.end(), module_name(m)) != kBringPython.end())
      return "runs with the module " + m + ", which loads Python with it";
  }
  return "";
}

void Evaluator::python_modules(const std::vector<std::string>& patterns) {
  const js::Command* py = first_python();
  std::string hint;
  if (profile_ && !profile_->python.recommended.empty())
    hint = "; on " + profile_->name + " the course loads " + join(profile_->python.recommended, " ");
  if (!py) {
    add("python_modules", false, file_ + ": runs no python" + hint);
    return;
  }
  std::vector<std::string> loaded = loaded_before(*py);
  if (std::string how = python_from(loaded, patterns); !how.empty()) {
    add("python_modules", true, at(py->line) + " " + how);
    return;
  }
  std::string what = loaded.empty() ? "no module is loaded"
                                    : "the modules loaded are " + join(loaded, " ") +
                                          ", none a Python module for " + cluster_name();
  add("python_modules", false, at(py->line) + ": when it runs, " + what + hint);
}

void Evaluator::runs(const std::string& script) {
  for (const auto& cmd : script_.commands) {
    if (cmd.kind != js::CommandKind::Python) continue;
    auto base = [](const std::string& p) {
      auto s = p.rfind('/');
      return s == std::string::npos ? p : p.substr(s + 1);
    };
    if (base(cmd.program) == script) {
      add("runs", true, at(cmd.line) + " runs " + script);
      return;
    }
    for (const auto& a : cmd.args) {
      if (a.rfind("-", 0) == 0) continue;
      if (base(a) == script) {
        add("runs", true, at(cmd.line) + " runs " + script);
        return;
      }
      break;  // the first non-option argument is the script
    }
  }
  add("runs", false, file_ + ": no python command runs " + script);
}

void Evaluator::srun_for_parallel() {
  std::int64_t tasks = script_.tasks();
  std::vector<std::string> problems;
  bool any = false;
  for (const auto& cmd : script_.commands) {
    if (cmd.kind != js::CommandKind::Python) continue;
    any = true;
    if (tasks > 1 && cmd.launcher.empty()) {
      problems.push_back(
          at(cmd.line) + " runs one copy of python, though the job asks for " + std::to_string(tasks) +
          " tasks: an MPI program starts with srun (or mpirun); a program that uses threads or "
          "multiprocessing asks for -n 1 -c " +
          std::to_string(tasks) + " instead");
    }
    if ((cmd.launcher == "mpirun" || cmd.launcher == "mpiexec") && profile_ && profile_->mpi_launcher) {
      problems.push_back(at(cmd.line) + " starts python with " + cmd.launcher + ", but on " + profile_->name +
                         " MPI programs start with " + *profile_->mpi_launcher + ": write " +
                         *profile_->mpi_launcher + " python ...");
    } else if (cmd.launcher == "mpirun" || cmd.launcher == "mpiexec") {
      for (std::size_t i = 0; i + 1 < cmd.launcher_args.size(); ++i) {
        const std::string& o = cmd.launcher_args[i];
        const std::string& n = cmd.launcher_args[i + 1];
        // Only a number can be compared: $SLURM_NTASKS is the tasks asked for by definition, and
        // another variable's value is not known before the job runs.
        const bool number = !n.empty() && n.find_first_not_of("0123456789") == std::string::npos;
        if ((o == "-np" || o == "-n") && number && std::strtoll(n.c_str(), nullptr, 10) != tasks) {
          problems.push_back(at(cmd.line) + " starts " + cmd.launcher_args[i + 1] +
                             " processes, but the job asks for " + counted(tasks, "task"));
        }
      }
    }
  }
  if (!any) problems.push_back(file_ + ": runs no python");
  if (problems.empty()) {
    add("srun_for_parallel", true,
        file_ + (tasks > 1 ? ": python runs under a launcher for its " + std::to_string(tasks) + " tasks"
                           : ": one task, so python needs no launcher"));
  } else {
    add("srun_for_parallel", false, join(problems, "\n"));
  }
}

void Evaluator::no_home_paths() {
  static const RE2 kHome(
      R"((?:^|[\s='":;(])(/home\d*/[^\s'"]*|/Users/[^\s'"]*|/cfs/klemming/home/[^\s'"]*|/pfs/[^\s/]+/users/home/[^\s'"]*|~[a-z_][a-z0-9_-]*))");
  std::vector<std::string> problems;
  for (std::size_t i = 0; i < lines_.size(); ++i) {
    std::string_view t = trim(lines_[i]);
    if (t.empty() || (t.front() == '#' && t.rfind("#SBATCH", 0) != 0)) continue;
    std::string path;
    if (RE2::PartialMatch(std::string(t), kHome, &path)) {
      problems.push_back(
          at(static_cast<int>(i) + 1) + " uses " + path +
          ", a path into someone's home directory; use a relative path, $HOME or the project's directory");
    }
  }
  if (problems.empty()) {
    add("no_home_paths", true, file_ + ": no absolute paths into a home directory");
  } else {
    add("no_home_paths", false, join(problems, "\n"));
  }
}

}  // namespace grader::jobscript_eval
