// sbatch's option table; see options.h. long_option, known_option and option_names of parser.h
// are here too.
#include "grader/jobscript/options.h"

#include "grader/jobscript/parser.h"

namespace grader::jobscript {

namespace detail {

namespace {

// sbatch's options (sbatch --help, Slurm 22.05).
constexpr OptionSpec kOptions[] = {
    {"account", Arg::Required, 'A'},
    {"acctg-freq", Arg::Required, 0},
    {"array", Arg::Required, 'a'},
    {"batch", Arg::Required, 0},
    {"bb", Arg::Required, 0},
    {"bbf", Arg::Required, 0},
    {"begin", Arg::Required, 'b'},
    {"chdir", Arg::Required, 'D'},
    {"cluster", Arg::Required, 0},
    {"cluster-constraint", Arg::Required, 0},
    {"clusters", Arg::Required, 'M'},
    {"comment", Arg::Required, 0},
    {"constraint", Arg::Required, 'C'},
    {"container", Arg::Required, 0},
    {"contiguous", Arg::None, 0},
    {"core-spec", Arg::Required, 'S'},
    {"cores-per-socket", Arg::Required, 0},
    {"cpu-freq", Arg::Required, 0},
    {"cpus-per-gpu", Arg::Required, 0},
    {"cpus-per-task", Arg::Required, 'c'},
    {"deadline", Arg::Required, 0},
    {"delay-boot", Arg::Required, 0},
    {"dependency", Arg::Required, 'd'},
    {"distribution", Arg::Required, 'm'},
    {"error", Arg::Required, 'e'},
    {"exclude", Arg::Required, 'x'},
    {"exclusive", Arg::Optional, 0},
    {"export", Arg::Required, 0},
    {"export-file", Arg::Required, 0},
    {"extra-node-info", Arg::Required, 'B'},
    {"get-user-env", Arg::Optional, 0},
    {"gid", Arg::Required, 0},
    {"gpu-bind", Arg::Required, 0},
    {"gpu-freq", Arg::Required, 0},
    {"gpus", Arg::Required, 'G'},
    {"gpus-per-node", Arg::Required, 0},
    {"gpus-per-socket", Arg::Required, 0},
    {"gpus-per-task", Arg::Required, 0},
    {"gres", Arg::Required, 0},
    {"gres-flags", Arg::Required, 0},
    {"help", Arg::None, 'h'},
    {"hint", Arg::Required, 0},
    {"hold", Arg::None, 'H'},
    {"ignore-pbs", Arg::None, 0},
    {"input", Arg::Required, 'i'},
    {"job-name", Arg::Required, 'J'},
    {"kill-on-invalid-dep", Arg::Required, 0},
    {"licenses", Arg::Required, 'L'},
    {"mail-type", Arg::Required, 0},
    {"mail-user", Arg::Required, 0},
    {"mcs-label", Arg::Required, 0},
    {"mem", Arg::Required, 0},
    {"mem-bind", Arg::Required, 0},
    {"mem-per-cpu", Arg::Required, 0},
    {"mem-per-gpu", Arg::Required, 0},
    {"mincpus", Arg::Required, 0},
    {"network", Arg::Required, 0},
    {"nice", Arg::Optional, 0},
    {"no-kill", Arg::Optional, 'k'},
    {"no-requeue", Arg::None, 0},
    {"nodefile", Arg::Required, 'F'},
    {"nodelist", Arg::Required, 'w'},
    {"nodes", Arg::Required, 'N'},
    {"ntasks", Arg::Required, 'n'},
    {"ntasks-per-core", Arg::Required, 0},
    {"ntasks-per-gpu", Arg::Required, 0},
    {"ntasks-per-node", Arg::Required, 0},
    {"ntasks-per-socket", Arg::Required, 0},
    {"open-mode", Arg::Required, 0},
    {"output", Arg::Required, 'o'},
    {"overcommit", Arg::None, 'O'},
    {"oversubscribe", Arg::None, 's'},
    {"parsable", Arg::None, 0},
    {"partition", Arg::Required, 'p'},
    {"power", Arg::Required, 0},
    {"prefer", Arg::Required, 0},
    {"priority", Arg::Required, 0},
    {"profile", Arg::Required, 0},
    {"propagate", Arg::Optional, 0},
    {"qos", Arg::Required, 'q'},
    {"quiet", Arg::None, 'Q'},
    {"reboot", Arg::None, 0},
    {"requeue", Arg::None, 0},
    {"reservation", Arg::Required, 0},
    {"signal", Arg::Required, 0},
    {"sockets-per-node", Arg::Required, 0},
    {"spread-job", Arg::None, 0},
    {"switches", Arg::Required, 0},
    {"test-only", Arg::None, 0},
    {"thread-spec", Arg::Required, 0},
    {"threads-per-core", Arg::Required, 0},
    {"time", Arg::Required, 't'},
    {"time-min", Arg::Required, 0},
    {"tmp", Arg::Required, 0},
    {"uid", Arg::Required, 0},
    {"usage", Arg::None, 'u'},
    {"use-min-nodes", Arg::None, 0},
    {"verbose", Arg::None, 'v'},
    {"version", Arg::None, 'V'},
    {"wait", Arg::None, 'W'},
    {"wait-all-nodes", Arg::Required, 0},
    {"wckey", Arg::Required, 0},
    {"wrap", Arg::Required, 0},
};

}  // namespace

const OptionSpec* find_long(std::string_view name) {
  for (const auto& o : kOptions)
    if (name == o.name) return &o;
  return nullptr;
}

const OptionSpec* find_short(char c) {
  for (const auto& o : kOptions)
    if (o.short_name == c) return &o;
  return nullptr;
}

std::vector<const OptionSpec*> options_starting_with(std::string_view prefix) {
  std::vector<const OptionSpec*> out;
  for (const auto& o : kOptions)
    if (std::string_view(o.name).starts_with(prefix)) out.push_back(&o);
  return out;
}

}  // namespace detail

std::string long_option(char short_name) {
  const detail::OptionSpec* o = detail::find_short(short_name);
  return o ? o->name : "";
}

bool known_option(std::string_view name) {
  return detail::find_long(name) != nullptr;
}

std::vector<std::string> option_names() {
  std::vector<std::string> out;
  for (const auto& o : detail::kOptions) out.emplace_back(o.name);
  return out;
}

}  // namespace grader::jobscript
