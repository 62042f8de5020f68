// The environment check kinds of a rubric: a virtual environment probed with its own interpreter
// (`environment = {...}`) and a pip requirements file (`requirements = {...}`). docs/rubrics.md,
// "Environments".
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace grader {

// A venv (or conda prefix) that a run built. The loader adds hidden probe runs for it: the env's
// own interpreter runs a small script the grader ships (grader/checks/environment_probe.h), and,
// for `not_in_base`, the base interpreter does too; the check reads their JSON.
struct EnvironmentCheck {
  std::string path;                             // the env's prefix, as the run's shell writes it
  std::optional<std::string> under;             // the env must really lie inside this directory
  std::optional<bool> system_site_packages;     // pyvenv.cfg include-system-site-packages
  std::optional<std::string> python;            // RE2, full match against the env's X.Y.Z
  std::optional<std::string> home;              // pyvenv.cfg home, exactly ({{stdout:RUN}} allowed)
  std::map<std::string, std::string> packages;  // import name -> version ("" any): inside the env
  std::vector<std::string> visible;             // import names importable from the env, from anywhere
  std::vector<std::string> not_in_base;         // import names the base interpreter must not find
  std::string setup;       // shell lines before the env's interpreter runs ("module load python/3.11.2")
  std::string base_setup;  // shell lines before the base interpreter runs ("module load python/3.11.2")
  std::string probe_run;   // set by the loader: the env's probe
  std::string base_run;    // set by the loader when not_in_base is given: the base probe
};

// A pip requirements file a run wrote (read back from the workspace).
struct RequirementsCheck {
  std::string file;                   // workspace-relative
  bool pinned = false;                // every requirement is NAME==VERSION
  std::vector<std::string> contains;  // NAME==VERSION lines it must hold (names compared per PEP 503)
};

// A conda environment file (environment.yml) and, optionally, the script that creates it, read as
// handed in. The loader fills the cluster's values from the profile (`profile = "bianca"`).
struct CondaEnvCheck {
  std::string file;                   // environment.yml, workspace-relative
  std::optional<std::string> script;  // create-env.sh, workspace-relative
  std::optional<std::string> python;  // the series Python must be pinned to: "3.12"
  std::vector<std::string> packages;  // must be listed among the dependencies
  bool no_pip = false;                // no `pip:` section (a cluster without internet)
  bool mirrored = false;              // only channels the profile's cluster mirrors
  std::string profile_name;           // for messages: "bianca"
  std::vector<std::string> channels;  // the channels the cluster mirrors; empty: any
  std::string conda_module;           // the module create-env.sh must load ("conda"); empty: none
  std::string project_dir;            // RE2: where environments belong ("/proj/[^/]+/.*")
};

}  // namespace grader
