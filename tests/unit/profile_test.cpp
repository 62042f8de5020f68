// Cluster profiles: every shipped one loads, and the loader is as strict as the rubric's.
#include "grader/cluster/profile.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <type_traits>

#include "grader/util/usage_error.h"

using namespace grader;

namespace {

const std::string kDir = std::string(GRADER_SOURCE_DIR) + "/runners/clusters";

std::string error_of(const std::string& text) {
  try {
    parse_profile(text, "p.toml");
  } catch (const ProfileError& e) {
    return e.what();
  }
  return "(loaded without error)";
}

struct ClustersDir {
  ClustersDir() { setenv("GRADER_CLUSTERS_DIR", kDir.c_str(), 1); }
  ~ClustersDir() { unsetenv("GRADER_CLUSTERS_DIR"); }
};

}  // namespace

TEST(ClusterProfiles, EveryShippedProfileLoads) {
  ClustersDir env;
  std::vector<std::string> names = profile_names();
  EXPECT_EQ(names, (std::vector<std::string>{"alvis", "bianca", "cosmos", "dardel", "kebnekaise", "local",
                                             "pelle", "rackham", "snowy", "tetralith"}));
  for (const auto& n : names) {
    ClusterProfile p = load_profile(n);
    EXPECT_EQ(p.name, n);
    EXPECT_FALSE(p.description.empty()) << n;
  }
}

TEST(ClusterProfiles, FoundFromTheSourceTreeWithoutEnvironment) {
  unsetenv("GRADER_CLUSTERS_DIR");
  // The test binary lives in the build tree inside the source tree, or the current directory
  // is in it; either way runners/clusters is found.
  EXPECT_FALSE(profile_dir().empty());
  EXPECT_NO_THROW(load_profile(kDir + "/rackham.toml"));
}

TEST(ClusterProfiles, CourseFactsAreThere) {
  ClustersDir env;
  ClusterProfile snowy = load_profile("snowy");
  EXPECT_EQ(snowy.cluster, "snowy");
  EXPECT_EQ(*snowy.cluster_flag, "-M snowy");
  ASSERT_TRUE(snowy.gpu);
  EXPECT_EQ(snowy.gpu->types, std::vector<std::string>{"t4"});

  ClusterProfile bianca = load_profile("bianca");
  EXPECT_EQ(bianca.internet, false);

  ClusterProfile kebnekaise = load_profile("kebnekaise");
  EXPECT_EQ(kebnekaise.gpu->request.front(), "gpus-constraint");
  EXPECT_EQ(kebnekaise.python.recommended, (std::vector<std::string>{"GCC/12.3.0", "Python/3.11.3"}));

  ClusterProfile rackham = load_profile("rackham");
  ASSERT_TRUE(rackham.gpu);
  EXPECT_FALSE(rackham.gpu->available);
  EXPECT_EQ(*rackham.shebang, "#!/bin/bash -l");

  ClusterProfile dardel = load_profile("dardel");
  EXPECT_TRUE(dardel.partition_required);
  ClusterProfile alvis = load_profile("alvis");
  EXPECT_TRUE(alvis.gpu->required);
}

TEST(ClusterProfiles, LocalMatchesTheTestCluster) {
  ClustersDir env;
  ClusterProfile local = load_profile("local");
  EXPECT_EQ(*local.default_partition, "main");
  EXPECT_EQ(local.partitions, (std::vector<std::string>{"main", "gpu"}));
  EXPECT_EQ(*local.max_walltime_s, 7 * 86400);
  // The accounts ci/cluster creates.
  for (const char* a : {"naiss2024-22-107", "hpc2n2024-025", "naiss2024-22-415", "hpc2n2024-052",
                        "uppmax2025-2-393", "hpc2n2026-002", "naiss2026-4-66", "lu2026-7-57"}) {
    EXPECT_NE(std::find(local.course_accounts.begin(), local.course_accounts.end(), a),
              local.course_accounts.end())
        << a;
  }
  EXPECT_EQ(local.ssh->env_prefix, "GRADER_SSH");
}

TEST(ClusterProfiles, UnknownNameSuggestsTheClosest) {
  ClustersDir env;
  try {
    load_profile("rackam");
    FAIL() << "loaded";
  } catch (const ProfileError& e) {
    EXPECT_EQ(e.bare_message(), "no cluster profile 'rackam'; did you mean 'rackham'?");
  }
}

TEST(ClusterProfiles, UnknownKeyIsAnErrorWithPosition) {
  EXPECT_EQ(error_of("name = \"x\"\naccount_patern = 'a'\n"),
            "p.toml:2:1: unknown key 'account_patern'; did you mean 'account_pattern'?");
  EXPECT_EQ(error_of("name = \"x\"\n[gpu]\ntype = [\"t4\"]\n"),
            "p.toml:3:1: unknown key 'type' in [gpu]; did you mean 'types'?");
}

TEST(ClusterProfiles, ValuesAreChecked) {
  EXPECT_EQ(error_of("description = \"x\"\n"), "p.toml:1:1: profile has no 'name'");
  EXPECT_EQ(error_of("name = \"x\"\nmax_walltime = \"ten days\"\n"),
            "p.toml:2:16: key 'max_walltime' must be a Slurm time like \"10-00:00:00\", not 'ten days'");
  EXPECT_EQ(error_of("name = \"x\"\ncluster_flag = \"--snowy\"\n"),
            "p.toml:2:16: key 'cluster_flag' must be one -M option, like \"-M snowy\"");
  EXPECT_EQ(error_of("name = \"x\"\naccount_pattern = '(a'\n"),
            "p.toml:2:19: invalid regex for 'account_pattern': missing ): (a");
  EXPECT_EQ(error_of("name = \"x\"\n[gpu]\nrequest = [\"gres-type\"]\n"),
            "p.toml:3:11: unknown GPU request syntax 'gres-type'; did you mean 'gres-typed'?");
  EXPECT_EQ(error_of("name = \"x\"\ngpu = true\n"),
            "p.toml:2:7: 'gpu = true' says nothing; give a [gpu] table, or gpu = false for no GPUs");
  EXPECT_EQ(error_of("name = \"x\"\naccount_pattern = '^a$'\ncourse_accounts = [\"b\"]\n"),
            "p.toml:3:19: course account 'b' does not match account_pattern");
  EXPECT_EQ(error_of("name = \"x\"\nssh_client = \"putty\"\n"),
            "p.toml:2:14: key 'ssh_client' must be \"libssh\", \"openssh\" or \"auto\", not 'putty'");
  EXPECT_EQ(error_of("name = \"x\"\nmpi_launcher = \"mpirun\"\n"),
            "p.toml:2:16: key 'mpi_launcher' can only be \"srun\" (MPI programs start with srun alone), not "
            "'mpirun'");
  EXPECT_EQ(error_of("name = \"x\"\n[gpu]\nper_node = 0\n"),
            "p.toml:3:12: key 'per_node' must be from 1 to 64, not 0");
}

// A broken profile is bad input the user named (--runner NAME): the CLI exits 2 for a
// UsageError, and 3 for anything else (the runner failing).
TEST(ClusterProfiles, ErrorsAreUsageErrors) {
  static_assert(std::is_base_of_v<UsageError, ProfileError>);
  try {
    parse_profile("name = \"x\"\naccount_patern = 'a'\n", "p.toml");
    FAIL() << "loaded";
  } catch (const UsageError& e) {
    EXPECT_NE(dynamic_cast<const ProfileError*>(&e), nullptr);
    EXPECT_EQ(std::string(e.what()),
              "p.toml:2:1: unknown key 'account_patern'; did you mean 'account_pattern'?");
  }
  ClustersDir env;
  EXPECT_THROW(load_profile("no-such-cluster"), UsageError);
  EXPECT_THROW(load_profile("/nonexistent/dir/x.toml"), UsageError);
}
