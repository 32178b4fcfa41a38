// tim::mpi without mpirun: which MPI the plugin may join (the decision that keeps a second MPI out
// of a process), the thread levels settings.mpi_thread_type names, and answers for a job of one
// process when no MPI is in use (this test program never loads libmpi).
#include "timemory/core/mpi.hpp"

#include <gtest/gtest.h>

using tim::mpi::detail::found_library;
using tim::mpi::detail::load_decision;

TEST(Mpi, PluginJoinsTheMpiItWasBuiltFor) {
    bool wrong = true;
    EXPECT_EQ(load_decision({{"libmpi.so.40", "Open MPI v4.1.4, package: Debian OpenMPI"}},
                            "libmpi.so.40", "Open MPI", false, &wrong),
              "");
    EXPECT_FALSE(wrong);
    // No version text (the symbol was not found): the soname decides.
    EXPECT_EQ(load_decision({{"libmpi.so.40", ""}}, "libmpi.so.40", "Open MPI", false), "");
}

TEST(Mpi, AnotherMpiInTheProcessIsRefusedNamingBoth) {
    bool wrong = false;
    const auto why = load_decision({{"libmpi.so.12", "MPICH Version: 4.0.2"}}, "libmpi.so.40",
                                   "Open MPI", false, &wrong);
    EXPECT_TRUE(wrong);
    EXPECT_NE(why.find("libmpi.so.12 (MPICH Version: 4.0.2)"), std::string::npos) << why;
    EXPECT_NE(why.find("libmpi.so.40 (Open MPI)"), std::string::npos) << why;
    // Same soname, other vendor (an MPICH-ABI library against a plugin built for MPICH's rival).
    wrong = false;
    const auto vendor = load_decision({{"libmpi.so.12", "Intel(R) MPI Library 2021"}},
                                      "libmpi.so.12", "MPICH", true, &wrong);
    EXPECT_TRUE(wrong);
    EXPECT_NE(vendor.find("Intel(R) MPI Library 2021"), std::string::npos) << vendor;
}

TEST(Mpi, WithoutMpiInTheProcessOnlyMpiInitLoadsThePlugin) {
    bool wrong = true;
    const auto why = load_decision({}, "libmpi.so.40", "Open MPI", false, &wrong);
    EXPECT_FALSE(wrong);
    EXPECT_NE(why.find("no MPI library in this process"), std::string::npos) << why;
    EXPECT_EQ(load_decision({}, "libmpi.so.40", "Open MPI", true), "");
}

TEST(Mpi, ThreadLevels) {
    using tim::mpi::detail::thread_level;
    EXPECT_EQ(thread_level(""), 3);
    EXPECT_EQ(thread_level("single"), 0);
    EXPECT_EQ(thread_level("FUNNELED"), 1);
    EXPECT_EQ(thread_level("MPI_THREAD_SERIALIZED"), 2);
    EXPECT_EQ(thread_level("multiple"), 3);
    EXPECT_FALSE(thread_level("several").has_value());
    EXPECT_FALSE(thread_level("4").has_value());
}

TEST(Mpi, AProgramWithoutMpiIsAJobOfOneProcess) {
    EXPECT_FALSE(tim::mpi::is_supported());
    EXPECT_FALSE(tim::mpi::status().empty());
    EXPECT_FALSE(tim::mpi::is_initialized());
    EXPECT_EQ(tim::mpi::rank(), 0);
    EXPECT_EQ(tim::mpi::size(), 1);
    tim::mpi::barrier();  // no-op
    EXPECT_EQ(tim::mpi::channel(), nullptr);
    EXPECT_FALSE(tim::mpi::install_finalize_hook());
}
