// When timemory must not emit NVTX ranges, it emits nothing and installs no region observer, so
// that a region costs the core's one branch. ctest runs each test in the environment it needs
// (see nvtx.cmake); run elsewhere, they skip.
#include "nvtx_log.hpp"

#include "timemory/core/observer.hpp"
#include "timemory/core/plugins.hpp"
#include "timemory/timemory.hpp"

#include <gtest/gtest.h>
#include <nvtx3/nvToolsExt.h>

#include <cstdlib>
#include <string_view>

namespace {

bool env_is(const char* name, std::string_view value) {
    const char* v = std::getenv(name);
    return v != nullptr && value == v;
}

void some_regions() {
    tim::region::push("quiet_outer");
    { TIMEMORY_SCOPED("quiet_inner", tim::component::wall_clock); }
    tim::region::pop("quiet_outer");
}

// No NVTX tool attached: nvtxDomainCreateA returns null, the observer stays out.
TEST(NvtxQuiet, NoToolNoObserver) {
    if (std::getenv("NVTX_INJECTION64_PATH") != nullptr)
        GTEST_SKIP() << "an NVTX tool is attached (NVTX_INJECTION64_PATH)";
    some_regions();
    ASSERT_EQ(tim::plugins::status("gpu"), "");
    EXPECT_EQ(tim::detail::region_observer_now(), nullptr);
    // The component stays usable: mirroring needs no tool to be listed.
    const auto* info = tim::registry::find("nvtx_marker");
    ASSERT_NE(info, nullptr);
    EXPECT_EQ(tim::registry::unavailable_reason(*info), "");
    // And NVTX itself confirms that nobody listens in this process.
    EXPECT_LT(nvtxRangePushA("probe"), 0);
}

// A tool is attached but TIMEMORY_NVTX_MIRROR=OFF: not even the domain is created.
TEST(NvtxQuiet, MirrorOffEmitsNothing) {
    if (!nvtx_test::tool_configured() || !env_is("TIMEMORY_NVTX_MIRROR", "OFF"))
        GTEST_SKIP() << "needs the NVTX test tool and TIMEMORY_NVTX_MIRROR=OFF (ctest sets both)";
    some_regions();
    ASSERT_EQ(tim::plugins::status("gpu"), "");
    EXPECT_EQ(tim::detail::region_observer_now(), nullptr);
    // A mark from this program proves that the tool is attached and logging.
    nvtxMarkA("probe");
    const auto events = nvtx_test::read_log();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].kind, "mark");
    EXPECT_EQ(events[0].domain, "-");
    EXPECT_EQ(events[0].text, "probe");
}

}  // namespace
