// The probe the grader ships for `environment` checks: a Python script run by the env's own
// interpreter (or the base one) that prints one JSON object: where the interpreter lives, its
// pyvenv.cfg, and, for each import name asked for, the version and the file it imports from.
// Argument 1 is JSON: {"packages": [...], "paths": {"name": "$VAR/dir", ...}}; paths are expanded
// with the run's environment and resolved (realpath), so that a link out is seen for what it is.
#pragma once

namespace grader {

inline constexpr const char* kEnvironmentProbe = R"PY(
import importlib, json, os, sys
args = json.loads(sys.argv[1])
def real(p):
    return os.path.realpath(os.path.expanduser(os.path.expandvars(p)))
cfg = None
try:
    with open(os.path.join(sys.prefix, "pyvenv.cfg")) as f:
        cfg = {}
        for line in f:
            key, eq, value = line.partition("=")
            if eq:
                cfg[key.strip()] = value.strip()
except OSError:
    pass
packages = {}
for name in args.get("packages", []):
    try:
        m = importlib.import_module(name)
        f = getattr(m, "__file__", None) or ""
        packages[name] = {"version": str(getattr(m, "__version__", "")),
                          "file": os.path.realpath(f) if f else ""}
    except BaseException as e:
        packages[name] = {"error": type(e).__name__ + ": " + str(e)}
print(json.dumps({"prefix": os.path.realpath(sys.prefix), "executable": sys.executable,
                  "version": "%d.%d.%d" % sys.version_info[:3], "pyvenv_cfg": cfg,
                  "packages": packages,
                  "paths": {k: real(v) for k, v in args.get("paths", {}).items()}}))
)PY";

}  // namespace grader
