// End-to-end: `grader grade` on a small class, then its index.html and feedback pages opened in
// headless Chromium (tests/support/chromium.h). The DOM is read after the page's own script ran:
// a row per submission, histogram bars that add up to the class, a table sorted by ?sort=, no
// hidden value on any learner page, and a class whose names and output carry HTML and script
// rendering inert. Screenshots at a desktop and a phone width are kept under
// BUILD/artifacts/class-overview/ with the pages themselves.
#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "tests/support/chromium.h"
#include "tests/support/cli_runner.h"

using namespace grader::testing;
namespace fs = std::filesystem;

namespace {

const char* kRubric = R"(exercise = "ex"
title = "Overview <b>test</b>"

[[run]]
id = "main"
command = ["python3", "main.py"]
timeout = "5s"

[[run]]
id = "secret"
command = ["python3", "main.py", "--secret-arg-4471"]
timeout = "5s"
hidden = true

[[check]]
id = "ok"
run = "main"
exit_code = 0

[[check]]
id = "greets"
run = "main"
stdout.contains = "Hello"
points = 2
hint = "Print Hello"

[[check]]
id = "magic"
run = "main"
stdout.regex = '^magic=(7781|7782)$'
hidden = true
points = 2

[[check]]
id = "pi"
run = "main"
stdout.number = { regex = 'pi = (\S+)', value = 3.14159, rel_tol = 1e-4 }
hidden = true

[[check]]
id = "secret-ok"
run = "secret"
stdout.contains = "s3cr3t-ok"
)";

// What no learner page may show: the hidden checks' expected values, the hidden run's command and
// output. Alice passes every hidden check, Bob fails them, so both sides of each are seen.
const std::vector<std::string> kHiddenValues = {"7781|7782", "3.14159", "--secret-arg-4471",
                                                "HIDDEN-RUN-OUT-5150", "s3cr3t-ok"};

const std::string kEvil = "<img src=x onerror=document.body.dataset.pwned=1>";

std::string program(const std::string& visible, const std::string& secret) {
  return "import sys\nif len(sys.argv) > 1:\n    print(" + secret + ")\nelse:\n    print(" + visible + ")\n";
}

// Name order: kEvil, alice, bob, carol. Score order: alice 7, carol 4, bob 1, kEvil 0.
const std::map<std::string, std::string> kClass = {
    {"alice", program("'Hello\\nmagic=7781\\npi = 3.1416'", "'HIDDEN-RUN-OUT-5150 s3cr3t-ok'")},
    {"bob", program("'Hi\\npi = 3'", "'HIDDEN-RUN-OUT-5150'")},
    {"carol", program("'Hello\\nmagic=1'", "'HIDDEN-RUN-OUT-5150 s3cr3t-ok'")},
    {kEvil,
     "import sys\nprint('<script>document.body.dataset.pwned=2</script><b>bold</b>')\n"
     "print('<img src=x onerror=document.body.dataset.pwned=3>', file=sys.stderr)\nsys.exit(1)\n"},
};

std::vector<std::string> captures(const std::string& text, const std::string& pattern) {
  std::vector<std::string> out;
  std::regex re(pattern);
  for (std::sregex_iterator it(text.begin(), text.end(), re), end; it != end; ++it) out.push_back((*it)[1]);
  return out;
}

std::size_t occurrences(const std::string& text, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

bool contains(const std::string& text, const std::string& needle) {
  return text.find(needle) != std::string::npos;
}

// The <body ...> start tag as serialized: a script that ran would have set an attribute on it.
std::string body_tag(const std::string& dom) {
  auto at = dom.find("<body");
  return at == std::string::npos ? "" : dom.substr(at, dom.find('>', at) - at + 1);
}

// Width and height from a PNG's IHDR, or {0, 0} when it is not a PNG.
std::pair<int, int> png_size(const std::string& png) {
  const std::string signature("\x89PNG\r\n\x1a\n", 8);
  if (png.size() < 24 || png.compare(0, 8, signature) != 0 || png.compare(12, 4, "IHDR") != 0) return {0, 0};
  auto be32 = [&](std::size_t at) {
    int v = 0;
    for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(png[at + i]);
    return v;
  };
  return {be32(16), be32(20)};
}

std::string file_url(const fs::path& p, const std::string& query = "") {
  return "file://" + fs::absolute(p).string() + query;
}

}  // namespace

class ClassOverviewInChromium : public ::testing::Test {
 protected:
  // The class is graded once for the whole suite: grading is the slow part, and every test reads
  // the same pages.
  static void SetUpTestSuite() {
    repo_ = new ScratchDir();
    repo_->write("rubrics/ex.toml", kRubric);
    fs::create_directories(repo_->path / "exercises" / "ex");
    for (const auto& [name, code] : kClass) repo_->write("class/" + name + "/main.py", code);
    // --teacher: the reports carry every detail, so the pages' leaving them out is what is tested.
    grading_ = new CliResult(run_grader({"grade", "ex", (repo_->path / "class").string(), "--out",
                                         out().string(), "--executor", "process", "--teacher"},
                                        repo_->path));
  }
  static void TearDownTestSuite() {
    delete grading_;
    delete repo_;
  }

  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(HeadlessChromium::require());
    ASSERT_EQ(grading_->exit_code, 1) << "graded, not full marks:\n" << grading_->out << grading_->err;
  }

  static fs::path out() { return repo_->path / "reports"; }
  static fs::path feedback(const std::string& report_file) {
    return out() / "feedback" / (report_file.substr(0, report_file.size() - 5) + ".html");
  }
  // Report file name by submission name, as the grader chose it.
  static std::map<std::string, std::string> report_files() {
    std::map<std::string, std::string> files;
    for (const auto& e : fs::directory_iterator(out()))
      if (e.path().extension() == ".json")
        files[nlohmann::json::parse(slurp(e.path()))["submission"].get<std::string>()] =
            e.path().filename().string();
    return files;
  }

  HeadlessChromium chromium_;
  static ScratchDir* repo_;
  static CliResult* grading_;
};

ScratchDir* ClassOverviewInChromium::repo_ = nullptr;
CliResult* ClassOverviewInChromium::grading_ = nullptr;

TEST_F(ClassOverviewInChromium, RowsAreTheSubmissionsAndTheHistogramAddsUpToTheClass) {
  std::string dom = chromium_.dump_dom(file_url(out() / "index.html"));
  EXPECT_EQ(occurrences(dom, "<tr class=\"row "), kClass.size()) << dom;
  auto bars = captures(dom, "<rect class=\"bar[^\"]*\" data-count=\"(\\d+)\"");
  std::size_t sum = 0;
  for (const auto& b : bars) sum += std::stoul(b);
  EXPECT_EQ(sum, kClass.size()) << dom;
  EXPECT_EQ(bars.size(), 8u) << "one bar per point, 0 to 7: " << dom;
  EXPECT_TRUE(contains(dom, "<div data-stat=\"mean\"><dt>mean</dt><dd>3 / 7</dd></div>")) << dom;
  EXPECT_TRUE(contains(dom, "<div data-stat=\"full-marks\"><dt>full marks</dt><dd>1</dd></div>")) << dom;
  for (const auto& [name, file] : report_files())
    EXPECT_TRUE(contains(dom, "href=\"feedback/" + feedback(file).filename().string() + "\"")) << name;
}

TEST_F(ClassOverviewInChromium, TableSortsOnLoadByScoreAndByName) {
  auto files = report_files();
  std::string by_score = chromium_.dump_dom(file_url(out() / "index.html", "?sort=-score"));
  EXPECT_EQ(captures(by_score, "<tr class=\"row [^\"]*\" data-file=\"([^\"]*)\""),
            (std::vector<std::string>{files["alice"], files["carol"], files["bob"], files[kEvil]}))
      << "the page's script did not sort; is kClassTableScriptHash up to date? chromium said:\n"
      << chromium_.log();
  EXPECT_TRUE(contains(by_score, "<th data-key=\"score\" data-type=\"number\" aria-sort=\"descending\">"));

  std::string by_name = chromium_.dump_dom(file_url(out() / "index.html", "?sort=-submission"));
  auto order = captures(by_name, "<tr class=\"row [^\"]*\" data-file=\"([^\"]*)\"");
  auto at = [&](const std::string& name) {
    return std::find(order.begin(), order.end(), files[name]) - order.begin();
  };
  EXPECT_LT(at("carol"), at("bob")) << by_name;
  EXPECT_LT(at("bob"), at("alice")) << by_name;
}

TEST_F(ClassOverviewInChromium, ThePagesScriptIsTheOneItsPolicyAllows) {
  // The CSP names the script by its sha256: recomputed here, with Python's hashlib.
  std::string html = slurp(out() / "index.html");
  auto from = html.find("<script>") + 8;
  std::string script = html.substr(from, html.find("</script>") - from);
  ScratchDir tmp;
  auto file = tmp.write("script.js", script);
  auto r =
      run_program({"/usr/bin/python3", "-c",
                   "import base64,hashlib,sys;print(base64.b64encode(hashlib.sha256(open(sys.argv[1],'rb')"
                   ".read()).digest()).decode())",
                   file.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::string hash = r.out.substr(0, r.out.find('\n'));
  EXPECT_TRUE(contains(html, "script-src 'sha256-" + hash + "'"))
      << "update kClassTableScriptHash in grader/report/class_overview.cpp to 'sha256-" << hash << "'";
}

TEST_F(ClassOverviewInChromium, NoHiddenValueOnAnyLearnerPage) {
  auto files = report_files();
  // The teacher's report has them, so their absence below is the pages' doing.
  std::string teacher = slurp(out() / files["bob"]) + slurp(out() / files["alice"]);
  for (const auto& v : kHiddenValues) EXPECT_TRUE(contains(teacher, v)) << v;

  for (const auto& [name, file] : files) {
    std::string page = slurp(feedback(file));
    ASSERT_FALSE(page.empty()) << "no feedback page for " << name << " at " << feedback(file);
    for (const auto& v : kHiddenValues) EXPECT_FALSE(contains(page, v)) << v << " on " << name << "'s page";
  }
  for (const char* name : {"alice", "bob"}) {
    std::string dom = chromium_.dump_dom(file_url(feedback(files[name])));
    EXPECT_EQ(occurrences(dom, "<li class=\"check "), 5u) << dom;
    for (const auto& v : kHiddenValues)
      EXPECT_FALSE(contains(dom, v)) << v << " in " << name << "'s page: " << dom;
  }
}

TEST_F(ClassOverviewInChromium, HtmlInNamesAndOutputRendersInert) {
  std::string index = chromium_.dump_dom(file_url(out() / "index.html"));
  std::string page = chromium_.dump_dom(file_url(feedback(report_files()[kEvil])));
  for (const auto* dom : {&index, &page}) {
    EXPECT_EQ(body_tag(*dom), "<body>") << "a learner's script ran: " << body_tag(*dom);
    EXPECT_FALSE(contains(*dom, "<img")) << *dom;
    EXPECT_FALSE(contains(*dom, "<b>")) << *dom;
    EXPECT_TRUE(contains(*dom, "&lt;img src=x onerror=document.body.dataset.pwned=1&gt;")) << *dom;
  }
  EXPECT_EQ(occurrences(index, "<script"), 1u) << "only the page's own";
  EXPECT_EQ(occurrences(page, "<script"), 0u) << page;
  EXPECT_TRUE(
      contains(page, "&lt;script&gt;document.body.dataset.pwned=2&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;"))
      << page;
  EXPECT_TRUE(contains(page, "&lt;img src=x onerror=document.body.dataset.pwned=3&gt;"))
      << "stderr: " << page;
  EXPECT_TRUE(contains(index, "<h1>ex: Overview &lt;b&gt;test&lt;/b&gt;</h1>")) << index;
}

TEST_F(ClassOverviewInChromium, ScreenshotsAtDesktopAndPhoneWidths) {
  fs::path artifacts = fs::path(GRADER_ARTIFACT_DIR) / "class-overview";
  fs::remove_all(artifacts);
  fs::create_directories(artifacts);
  fs::copy(out(), artifacts / "site", fs::copy_options::recursive);
  struct Shot {
    fs::path page;
    const char* name;
    int width, height;
  };
  const Shot shots[] = {{out() / "index.html", "index-desktop.png", 1280, 900},
                        {out() / "index.html", "index-phone.png", 390, 844},
                        {feedback(report_files()["bob"]), "feedback-phone.png", 390, 844}};
  for (const auto& s : shots) {
    fs::path png = artifacts / s.name;
    chromium_.screenshot(file_url(s.page), png, s.width, s.height);
    std::string bytes = slurp(png);
    EXPECT_GT(bytes.size(), 1000u) << png << " is (nearly) empty; chromium said:\n" << chromium_.log();
    EXPECT_EQ(png_size(bytes), std::make_pair(s.width, s.height)) << png;
  }
}
