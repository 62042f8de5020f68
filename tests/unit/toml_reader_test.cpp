// The TOML reading helper: typed getters, positions, file order, unknown keys and the two
// wordings of type errors that the rubric loader and the cluster profiles use.
#include "grader/util/toml_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace grader;

namespace {

// The what() of the TomlError that `read` throws on the document `text` ("t.toml"), or a note.
template <typename Read>
std::string error_of(const std::string& text, Read read, TomlWording wording = TomlWording::Full) {
  try {
    TomlDocument doc = TomlDocument::parse(text, "t.toml", wording);
    read(doc.root("in [x]"));
  } catch (const TomlError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(TomlReader, SyntaxErrorIsATomlErrorAtItsPosition) {
  try {
    TomlDocument::parse("a = 1\nb = \n", "t.toml");
    FAIL() << "parsed";
  } catch (const TomlError& e) {
    EXPECT_EQ(e.pos().file, "t.toml");
    EXPECT_EQ(e.pos().line, 2);
    EXPECT_EQ(std::string(e.what()), e.pos().str() + ": " + e.bare_message());
    EXPECT_FALSE(e.bare_message().empty());
  }
}

TEST(TomlReader, TypedGettersReadEachType) {
  TomlDocument doc = TomlDocument::parse(
      "s = \"x\"\ni = 3\nf = 2.5\nb = true\nl = [\"a\", \"b\"]\n[t]\nk = 1\n[[r]]\nid = 1\n[[r]]\nid = 2\n",
      "t.toml");
  TomlTable root = doc.root();
  EXPECT_EQ(root.get_string("s"), "x");
  EXPECT_EQ(root.get_integer("i"), 3);
  EXPECT_EQ(root.get_number("i"), 3.0) << "an integer is a number";
  EXPECT_EQ(root.get_number("f"), 2.5);
  EXPECT_EQ(root.get_bool("b"), true);
  auto list = root.get_strings("l");
  ASSERT_TRUE(list);
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[1].value, "b");
  EXPECT_EQ((*list)[1].pos.str(), "t.toml:5:11");
  auto t = root.get_table("t");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->get_integer("k"), 1);
  auto r = root.get_tables("r");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1].get_integer("id"), 2);
}

TEST(TomlReader, MissingKeysAreNullopt) {
  TomlDocument doc = TomlDocument::parse("a = 1\n", "t.toml");
  TomlTable root = doc.root();
  EXPECT_FALSE(root.get_string("b"));
  EXPECT_FALSE(root.get_integer("b"));
  EXPECT_FALSE(root.get_number("b"));
  EXPECT_FALSE(root.get_bool("b"));
  EXPECT_FALSE(root.get_strings("b"));
  EXPECT_FALSE(root.get_table("b"));
  EXPECT_FALSE(root.get_tables("b"));
  EXPECT_FALSE(root.has("b"));
  EXPECT_TRUE(root.has("a"));
}

TEST(TomlReader, PositionsAreFileLineColumn) {
  TomlDocument doc = TomlDocument::parse("a = 1\n  bee = \"x\"\n[t]\nk = 1\n", "dir/t.toml");
  TomlTable root = doc.root();
  EXPECT_EQ(doc.source(), "dir/t.toml");
  EXPECT_EQ(root.key_pos("bee").str(), "dir/t.toml:2:3");
  EXPECT_EQ(root.value_pos("bee").str(), "dir/t.toml:2:9");
  EXPECT_EQ(root.get_table("t")->pos().str(), "dir/t.toml:3:1");
  // Without the key: the table's own position.
  EXPECT_EQ(root.get_table("t")->key_pos("nope").str(), "dir/t.toml:3:1");
  EXPECT_EQ(root.get_table("t")->value_pos("nope").str(), "dir/t.toml:3:1");
}

TEST(TomlReader, EntriesComeInFileOrder) {
  TomlDocument doc = TomlDocument::parse("zeta = 1\nalpha = 2\nmid = 3\n", "t.toml");
  std::vector<std::string> keys;
  for (const TomlEntry& e : doc.root().entries()) keys.push_back(e.key);
  EXPECT_EQ(keys, (std::vector<std::string>{"zeta", "alpha", "mid"}));
}

TEST(TomlReader, UnknownKeySuggestsTheClosestOrListsTheAllowed) {
  auto reject = [](const TomlTable& t) { t.reject_unknown({"regex", "exact"}); };
  EXPECT_EQ(error_of("exact = 1\nregx = 1\n", reject),
            "t.toml:2:1: unknown key 'regx' in [x]; did you mean 'regex'?");
  EXPECT_EQ(error_of("zzzzzz = 1\n", reject),
            "t.toml:1:1: unknown key 'zzzzzz' in [x]; allowed here: regex, exact");
  // The first unknown key in the file is the one reported, whatever the key order.
  EXPECT_EQ(error_of("zzzzzz = 1\naaaaaa = 2\n", reject),
            "t.toml:1:1: unknown key 'zzzzzz' in [x]; allowed here: regex, exact");
  EXPECT_EQ(error_of("exact = 1\n", reject), "(no error)");
}

TEST(TomlReader, UnknownKeyHintComesFirst) {
  auto reject = [](const TomlTable& t) {
    t.reject_unknown({"stdout"}, [](std::string_view k) {
      return k == "contains" ? "; did you mean 'stdout.contains'?" : std::string();
    });
  };
  EXPECT_EQ(error_of("contains = 'x'\n", reject),
            "t.toml:1:1: unknown key 'contains' in [x]; did you mean 'stdout.contains'?");
  EXPECT_EQ(error_of("stdot = 'x'\n", reject),
            "t.toml:1:1: unknown key 'stdot' in [x]; did you mean 'stdout'?");
}

TEST(TomlReader, FullWordingNamesTheTypeFound) {
  EXPECT_EQ(error_of("k = 1\n", [](const TomlTable& t) { t.get_string("k"); }),
            "t.toml:1:5: key 'k' in [x] must be a string, not an integer");
  EXPECT_EQ(error_of("k = 'x'\n", [](const TomlTable& t) { t.get_integer("k", "a whole number like 2"); }),
            "t.toml:1:5: key 'k' in [x] must be a whole number like 2, not a string");
  EXPECT_EQ(error_of("k = 1.5\n", [](const TomlTable& t) { t.get_bool("k"); }),
            "t.toml:1:5: key 'k' in [x] must be true or false, not a float");
  EXPECT_EQ(error_of("k = true\n", [](const TomlTable& t) { t.get_number("k"); }),
            "t.toml:1:5: key 'k' in [x] must be a number, not a boolean");
  EXPECT_EQ(error_of("k = 'x'\n", [](const TomlTable& t) { t.get_strings("k"); }),
            "t.toml:1:5: key 'k' in [x] must be an array of strings, not a string");
  EXPECT_EQ(error_of("k = ['a', 2]\n", [](const TomlTable& t) { t.get_strings("k"); }),
            "t.toml:1:11: element 2 of 'k' in [x] must be a string, not an integer");
  EXPECT_EQ(error_of("k = [1]\n", [](const TomlTable& t) { t.get_tables("k"); }),
            "t.toml:1:6: element 1 of 'k' in [x] must be a table, not an integer");
  EXPECT_EQ(error_of("k = [1]\n", [](const TomlTable& t) { t.get_table("k"); }),
            "t.toml:1:5: key 'k' in [x] must be a table, not an array");
}

TEST(TomlReader, TerseWordingSaysOnlyWhatIsExpected) {
  auto terse = TomlWording::Terse;
  EXPECT_EQ(error_of(
                "k = 1\n", [](const TomlTable& t) { t.get_string("k"); }, terse),
            "t.toml:1:5: key 'k' in [x] must be a string");
  EXPECT_EQ(error_of(
                "k = ['a', 2]\n", [](const TomlTable& t) { t.get_strings("k"); }, terse),
            "t.toml:1:11: elements of 'k' in [x] must be strings");
  EXPECT_EQ(error_of(
                "k = 1\n", [](const TomlTable& t) { t.get_bool("k"); }, terse),
            "t.toml:1:5: key 'k' in [x] must be true or false");
}

TEST(TomlReader, TablesAreNamedForMessages) {
  TomlDocument doc = TomlDocument::parse("[gpu]\ntypes = 1\n", "t.toml");
  TomlTable root = doc.root();
  EXPECT_EQ(root.key_name("name"), "key 'name'") << "a table without a name adds nothing";
  EXPECT_EQ(root.quoted("name"), "'name'");
  TomlTable gpu = root.get_table("gpu")->named("in [gpu]");
  EXPECT_EQ(gpu.where(), "in [gpu]");
  EXPECT_EQ(gpu.key_name("types"), "key 'types' in [gpu]");
  EXPECT_EQ(gpu.quoted("types"), "'types' in [gpu]");
  // A sub-table is named like the table it is in.
  TomlDocument nested = TomlDocument::parse("[a]\n[a.b]\nk = 1\n", "t.toml");
  EXPECT_EQ(nested.root("at top level").get_table("a")->get_table("b")->where(), "at top level");
}

TEST(TomlReader, ValuesKnowTheirTypes) {
  TomlDocument doc = TomlDocument::parse("s = 'x'\ni = 1\nd = 1979-05-27\nt = {}\na = [1, 2]\n", "t.toml");
  TomlTable root = doc.root();
  EXPECT_EQ(root.get("s")->type_name(), "a string");
  EXPECT_EQ(root.get("i")->type_name(), "an integer");
  EXPECT_EQ(root.get("d")->type_name(), "a date");
  EXPECT_EQ(root.get("t")->type_name(), "a table");
  EXPECT_EQ(root.get("a")->type_name(), "an array");
  EXPECT_TRUE(root.get("i")->is_number());
  EXPECT_FALSE(root.get("s")->is_number());
  EXPECT_EQ(root.get("s")->as_integer(), std::nullopt);
  auto a = root.get("a")->as_array();
  ASSERT_TRUE(a);
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ(a->pos().str(), "t.toml:5:5");
  EXPECT_EQ((*a)[1].as_integer(), 2);
}

TEST(TomlReader, ViewsOutliveAMoveOfTheDocument) {
  TomlDocument doc = TomlDocument::parse("k = 'v'\n", "t.toml");
  TomlTable root = doc.root();
  TomlDocument moved = std::move(doc);
  EXPECT_EQ(root.get_string("k"), "v");
  EXPECT_EQ(moved.root().get_string("k"), "v");
}

TEST(TomlReader, ParseFileReadsAFileAndNamesItInPositions) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("toml_reader_test." + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::path file = dir / "e.toml";
  std::ofstream(file) << "score = 3\nx = [\n";
  try {
    TomlDocument::parse_file(file);
    FAIL() << "parsed";
  } catch (const TomlError& e) {
    EXPECT_EQ(e.pos().file, file.string());
    EXPECT_GE(e.pos().line, 2);
  }
  std::ofstream(file) << "score = 3\n";
  EXPECT_EQ(TomlDocument::parse_file(file).root().get_integer("score"), 3);
  try {
    TomlDocument::parse_file(dir / "missing.toml");
    FAIL() << "parsed a missing file";
  } catch (const TomlError& e) {
    EXPECT_EQ(e.pos().line, 0);
    EXPECT_EQ(e.pos().column, 0);
  }
  std::filesystem::remove_all(dir);
}
