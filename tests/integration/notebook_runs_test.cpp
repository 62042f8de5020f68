// Notebook runs end to end (issue 11 §4): a real Jupyter kernel (nbclient + ipykernel) in the
// sandbox, through the CLI, on the bad inputs the issue names: not JSON, nbformat 3, 50 MB of
// embedded outputs, a cell that never ends, a kernel that dies. Each is a clear verdict on the
// run and its checks, and the report is still valid JSON.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/support/cli_runner.h"

using namespace grader::testing;
namespace fs = std::filesystem;
using nlohmann::json;

namespace {

const char* kRubric = R"(exercise = "nb-bad"
[[run]]
id = "notebook"
notebook = "analysis.ipynb"
timeout = "8s"
memory = "1G"

[[check]]
id = "runs-cleanly"
notebook.no_errors = true

[[check]]
id = "answer"
cell = { tag = "answer", contains = "42" }
)";

json code_cell(const std::string& source, const std::vector<std::string>& tags = {},
               json outputs = json::array()) {
  return {
      {"cell_type", "code"},          {"id", "c" + std::to_string(std::hash<std::string>{}(source) % 100000)},
      {"metadata", {{"tags", tags}}}, {"execution_count", nullptr},
      {"outputs", outputs},           {"source", source}};
}

std::string notebook(const json& cells) {
  json nb = {{"nbformat", 4},
             {"nbformat_minor", 5},
             {"metadata",
              {{"kernelspec", {{"name", "python3"}, {"display_name", "Python 3"}, {"language", "python"}}}}},
             {"cells", cells}};
  return nb.dump();
}

struct Graded {
  int exit_code = -1;
  json report;
  std::size_t report_bytes = 0;
  std::string err;
};

class NotebookRuns : public ::testing::Test {
 protected:
  Graded grade(const std::string& ipynb) {
    dir_.write("rubric.toml", kRubric);
    fs::path sub = dir_.path / "sub";
    fs::remove_all(sub);
    dir_.write("sub/analysis.ipynb", ipynb);
    fs::path out = dir_.path / "report.json";
    CliResult r = run_grader({"check", (dir_.path / "rubric.toml").string(), sub.string(), "--format", "json",
                              "--out", out.string()});
    Graded g;
    g.exit_code = r.exit_code;
    g.err = r.out + r.err;
    std::string text = slurp(out);
    g.report_bytes = text.size();
    g.report = json::parse(text);  // throws, failing the test, when the report is not JSON
    return g;
  }

  static const json& by_id(const json& list, const std::string& id) {
    for (const json& x : list)
      if (x["id"] == id) return x;
    static const json none;
    return none;
  }
  static std::string run_message(const Graded& g) { return by_id(g.report["runs"], "notebook")["message"]; }
  static std::string check_status(const Graded& g, const std::string& id) {
    return by_id(g.report["checks"], id)["status"];
  }
  static std::string check_message(const Graded& g, const std::string& id) {
    return by_id(g.report["checks"], id)["message"];
  }

  ScratchDir dir_;
};

}  // namespace

TEST_F(NotebookRuns, AGoodNotebookPasses) {
  Graded g = grade(notebook(json::array({code_cell("print(42)", {"answer"})})));
  EXPECT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(check_status(g, "runs-cleanly"), "passed");
  EXPECT_EQ(check_status(g, "answer"), "passed") << check_message(g, "answer");
}

TEST_F(NotebookRuns, NotJson) {
  Graded g = grade("{\"cells\": [ oops");
  EXPECT_EQ(g.exit_code, 1) << g.err;
  EXPECT_EQ(by_id(g.report["runs"], "notebook")["status"], "nonzero_exit");
  EXPECT_NE(run_message(g).find("analysis.ipynb is not JSON"), std::string::npos) << run_message(g);
  EXPECT_EQ(check_status(g, "answer"), "failed");
  EXPECT_NE(check_message(g, "answer").find("the notebook did not run: analysis.ipynb is not JSON"),
            std::string::npos)
      << check_message(g, "answer");
}

TEST_F(NotebookRuns, NbformatThree) {
  json v3 = {{"nbformat", 3},
             {"nbformat_minor", 0},
             {"metadata", json::object()},
             {"worksheets",
              {{{"cells", {{{"cell_type", "code"}, {"input", "print(42)"}, {"outputs", json::array()}}}}}}}};
  Graded g = grade(v3.dump());
  EXPECT_EQ(g.exit_code, 1) << g.err;
  EXPECT_NE(run_message(g).find("analysis.ipynb is nbformat 3; the grader runs nbformat 4 notebooks"),
            std::string::npos)
      << run_message(g);
  EXPECT_EQ(check_status(g, "runs-cleanly"), "failed");
}

// The outputs saved in the file are the learner's last run, not the grader's: they are dropped,
// the notebook runs afresh, and none of the 50 MB reaches the report.
TEST_F(NotebookRuns, FiftyMegabytesOfEmbeddedOutputs) {
  json big =
      json::array({{{"output_type", "stream"}, {"name", "stdout"}, {"text", std::string(50u << 20, 'x')}}});
  Graded g = grade(notebook(json::array({code_cell("print(42)", {"answer"}, big)})));
  EXPECT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(check_status(g, "answer"), "passed") << check_message(g, "answer");
  EXPECT_LT(g.report_bytes, 1u << 20) << "the embedded outputs reached the report";
}

TEST_F(NotebookRuns, ACellThatNeverEnds) {
  Graded g = grade(notebook(
      {code_cell("import time\nwhile True:\n    time.sleep(1)"), code_cell("print(42)", {"answer"})}));
  EXPECT_EQ(g.exit_code, 1) << g.err;
  EXPECT_EQ(by_id(g.report["runs"], "notebook")["status"], "timeout");
  EXPECT_NE(run_message(g).find("cell 1 (`import time`) was running"), std::string::npos) << run_message(g);
  EXPECT_EQ(check_message(g, "answer"),
            "cell 2 (tagged 'answer') did not run: cell 1 (`import time`) was still running before it");
}

TEST_F(NotebookRuns, AKernelThatDies) {
  Graded g =
      grade(notebook(json::array({code_cell("import os\nos._exit(1)"), code_cell("print(42)", {"answer"})})));
  EXPECT_EQ(g.exit_code, 1) << g.err;
  EXPECT_EQ(check_message(g, "runs-cleanly"),
            "cell 1 (`import os`) killed the kernel (it exited with code 1)");
  EXPECT_EQ(check_status(g, "answer"), "failed");
  EXPECT_NE(check_message(g, "answer").find("killed the kernel (it exited with code 1) before it"),
            std::string::npos)
      << check_message(g, "answer");
}
