// The script that runs a rubric's hidden pytest tests inside the learner's run (any executor:
// it needs nothing but the run's own interpreter, stdin and workspace). It is started as
// `python -I -c SCRIPT XML DIR`, reads the tests' files from stdin (JSON: {"files": {relative
// path: base64}}), writes them under DIR in the workspace, runs pytest on them with the JUnit
// XML going to XML, removes DIR again and exits with pytest's exit code.
//
// -I keeps the workspace off sys.path while pytest and the standard library are imported, so
// that a learner's `pytest.py` or `json.py` cannot stand in for them; the workspace is then
// appended, for the tests' `import classify`. The learner's own pytest configuration (a
// conftest.py, pytest.ini, setup.cfg in the workspace) is kept out by -c, --rootdir and
// --confcutdir; installed plugins are not loaded. None of this stops the learner's module,
// once imported, from reading the tests or forging the outcome: docs/security.md.
#pragma once

namespace grader {

inline constexpr const char* kPytestBootstrap = R"PY(
import base64, json, os, shutil, sys
sys.dont_write_bytecode = True
os.environ["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"
xml, rel = sys.argv[1], sys.argv[2]
work = os.getcwd()
tests = os.path.join(work, rel)
def remove(path):
    if os.path.islink(path) or os.path.isfile(path):
        os.remove(path)
    elif os.path.isdir(path):
        shutil.rmtree(path)
remove(tests)
remove(os.path.join(work, xml))
files = json.load(sys.stdin)["files"]
for name, data in files.items():
    path = os.path.join(tests, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(base64.b64decode(data))
ini = os.path.join(tests, "pytest.ini")
if "pytest.ini" not in files:
    with open(ini, "w") as f:
        f.write("[pytest]\n")
import pytest
sys.path.append(work)
class GraderSeed:
    @pytest.fixture(scope="session", autouse=True)
    def _grader_seed(self, record_testsuite_property):
        record_testsuite_property("grader_seed", os.environ.get("GRADER_SEED", ""))
try:
    code = pytest.main([tests, "-c", ini, "--rootdir", tests, "--confcutdir", tests,
                        "-p", "no:cacheprovider", "--junitxml", os.path.join(work, xml),
                        "-o", "junit_family=xunit2", "-o", "junit_logging=no",
                        "--tb=short", "-q", "-rfEs"], plugins=[GraderSeed()])
finally:
    remove(tests)
sys.stdout.flush()
sys.stderr.flush()
# Not sys.exit: a training thread the tests abandoned at their time limit must not hold up
# the interpreter's shutdown.
os._exit(int(code))
)PY";

}  // namespace grader
