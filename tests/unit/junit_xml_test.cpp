// Reading JUnit XML: what real pytest wrote (tests/unit/data/junit/, README there says how it was
// captured), and every way a report can be broken, each refused with its reason and line.
#include "grader/checks/junit_xml.h"

#include <gtest/gtest.h>

#include "tests/support/unit_data.h"

namespace grader {
namespace {

std::string data(const std::string& name) {
  return test_support::unit_test_data("junit/" + name);
}

JunitReport parsed(const std::string& xml) {
  JunitParse p = parse_junit_xml(xml);
  if (!p.report) throw std::runtime_error("did not parse: " + p.error);
  return *p.report;
}

const JunitCase& find(const JunitReport& r, const std::string& name) {
  for (const auto& c : r.cases)
    if (c.name == name) return c;
  throw std::runtime_error("no testcase " + name);
}

TEST(JunitXml, ReadsEveryOutcomePytestWrites) {
  JunitReport r = parsed(data("kinds.xml"));
  ASSERT_EQ(r.cases.size(), 11u);  // pytest's tests="12" counts the teardown error twice
  EXPECT_EQ(find(r, "test_passes").outcome, JunitOutcome::Passed);
  EXPECT_EQ(find(r, "test_fails").outcome, JunitOutcome::Failed);
  EXPECT_EQ(find(r, "test_raises").outcome, JunitOutcome::Failed);
  EXPECT_EQ(find(r, "test_setup_error").outcome, JunitOutcome::Error);
  EXPECT_EQ(find(r, "test_teardown_error").outcome, JunitOutcome::Error);
  EXPECT_EQ(find(r, "test_skipped").outcome, JunitOutcome::Skipped);
  EXPECT_EQ(find(r, "test_xfail").outcome, JunitOutcome::Skipped);
  EXPECT_EQ(find(r, "test_param[2]").outcome, JunitOutcome::Failed);
  EXPECT_EQ(find(r, "test_param[3]").outcome, JunitOutcome::Passed);
  EXPECT_EQ(find(r, "test_method").classname, "test_kinds.TestGroup");
}

TEST(JunitXml, DecodesEntitiesInMessagesAndTracebacks) {
  JunitReport r = parsed(data("kinds.xml"));
  const JunitCase& c = find(r, "test_fails");
  EXPECT_EQ(c.message, "AssertionError: accuracy 0.62 < 0.95 & <less>\nassert 0.62 >= 0.95");
  EXPECT_NE(c.text.find("E   AssertionError: accuracy 0.62 < 0.95 & <less>"), std::string::npos) << c.text;
  EXPECT_NE(c.text.find("test_kinds.py:17: in test_fails"), std::string::npos) << c.text;
  EXPECT_EQ(find(r, "test_skipped").message, "no GPU on this runner");
}

TEST(JunitXml, ReadsTheCollectionFailureAsAnErrorWithoutClassname) {
  JunitReport r = parsed(data("collection-error.xml"));
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].classname, "");
  EXPECT_EQ(r.cases[0].name, "coll.test_collect");
  EXPECT_EQ(r.cases[0].outcome, JunitOutcome::Error);
  EXPECT_EQ(r.cases[0].message, "collection failure");
  EXPECT_NE(r.cases[0].text.find("E   ModuleNotFoundError: No module named 'classify_missing_module'"),
            std::string::npos);
}

TEST(JunitXml, ReadsTestsuiteProperties) {
  JunitReport r = parsed(data("ml-solution.xml"));
  EXPECT_EQ(r.properties.at("grader_seed"), "42");
  EXPECT_EQ(r.cases.size(), 5u);
}

TEST(JunitXml, AcceptsABareTestsuiteRootCdataAndCharacterReferences) {
  JunitReport r = parsed(
      "\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<!-- made by hand -->\n<testsuite name='s'>"
      "<testcase name='a' classname='m'><failure message='x&#10;y &#xFC;'><![CDATA[<raw & text>]]></failure>"
      "</testcase></testsuite>");
  ASSERT_EQ(r.cases.size(), 1u);
  EXPECT_EQ(r.cases[0].message, "x\ny \xC3\xBC");
  EXPECT_EQ(r.cases[0].text, "<raw & text>");
}

TEST(JunitXml, AFailureOutranksATeardownErrorOfTheSameTestcase) {
  JunitReport r = parsed(
      "<testsuites><testsuite><testcase name='t'><failure message='call'/><error message='teardown'/>"
      "</testcase></testsuite></testsuites>");
  EXPECT_EQ(r.cases[0].outcome, JunitOutcome::Failed);
  EXPECT_EQ(r.cases[0].message, "call");
}

std::string error_of(const std::string& xml) {
  JunitParse p = parse_junit_xml(xml);
  return p.report ? "(parsed)" : p.error;
}

TEST(JunitXml, RefusesWhatIsNotWellFormed) {
  EXPECT_EQ(error_of(""), "line 1: no root element");
  EXPECT_EQ(error_of("not xml at all"), "line 1: no root element");
  EXPECT_EQ(error_of("<testsuites>\n<testsuite>\n<testcase name='a'>"),
            "line 3: unclosed element 'testcase'");
  EXPECT_EQ(error_of("<testsuites><testcase name='a'></testsuite></testsuites>"),
            "line 1: element 'testcase' closed by '</testsuite>'");
  EXPECT_EQ(error_of("<testsuites a='1' a='2'/>"), "line 1: attribute 'a' given twice");
  EXPECT_EQ(error_of("<testsuites><x y='&bogus;'/></testsuites>"), "line 1: unknown entity '&bogus;'");
  EXPECT_EQ(error_of("<testsuites/><extra/>"), "line 1: content after the root element");
  EXPECT_EQ(error_of("<html/>"), "the root element is 'html', not 'testsuites' or 'testsuite'");
  EXPECT_EQ(error_of("<testsuites><testsuite><testcase classname='x'/></testsuite></testsuites>"),
            "a testcase without a name");
}

TEST(JunitXml, RefusesADtdSoThatNoEntityCanExpand) {
  EXPECT_EQ(error_of("<!DOCTYPE lol [<!ENTITY lol \"lol\">]><testsuites/>"),
            "line 1: a DTD or declaration is not accepted in a JUnit report");
}

TEST(JunitXml, RefusesNestingDeepEnoughToExhaustTheStack) {
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<a>";
  EXPECT_EQ(error_of("<testsuites>" + deep), "line 1: elements nested deeper than 64");
}

TEST(JunitXml, RefusesAReportLargerThanItsLimit) {
  std::string huge = "<testsuites>" + std::string(kJunitMaxBytes, ' ') + "</testsuites>";
  EXPECT_EQ(error_of(huge), "it is larger than 16 MiB");
}

TEST(JunitXml, TruncatedRealReportIsRefusedNotHalfRead) {
  std::string xml = data("kinds.xml");
  std::string why = error_of(xml.substr(0, xml.size() / 2));
  EXPECT_EQ(why.rfind("line ", 0), 0u) << why;
}

}  // namespace
}  // namespace grader
