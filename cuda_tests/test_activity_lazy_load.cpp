// libcupti is mapped only into processes that really use CUPTI. This is a plain
// timemory program: it links libtimemory alone, which dlopens the GPU plugin, measures regions
// and asks for every CUPTI component. Afterwards /proc/self/maps shows the plugin mapped and,
// without a device, no libcupti: the plugin does not link it (activity.cmake checks its NEEDED
// entries) and dlopens it only on a device. test_activity_cupti_api.cpp shows that the same
// check does see libcupti once it is loaded.
#include "timemory/core/bundle.hpp"
#include "timemory/core/pending.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

namespace {

std::string maps() {
    std::ifstream in{"/proc/self/maps"};
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

// A mapping of the library `name` (any version suffix): "/libcupti.so" matches
// ".../libcupti.so.13".
bool mapped(const std::string& maps_text, const std::string& name) {
    return maps_text.find("/" + name) != std::string::npos;
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
}

const tim::component_record* find_row(const std::vector<tim::component_record>& rows,
                                      const std::string& label) {
    for (const auto& r : rows) {
        if (r.label == label) return &r;
    }
    return nullptr;
}

}  // namespace

TEST(LazyCupti, APlainProgramAskingForTheCuptiComponentsMapsLibcuptiOnlyWithADevice) {
    const auto& activity = tim::registry::get("cupti_activity");  // the core loads the plugin
    const auto& bytes = tim::registry::get("cupti_memory_bytes");
    const auto& api = tim::registry::get("cupti_callback");
    const auto& counters = tim::registry::get("cupti_counters");
    const auto& wall = tim::registry::get("wall_clock");
    {
        const std::string loaded = maps();
        ASSERT_TRUE(mapped(loaded, "libtimemory-gpu.so")) << loaded;
        EXPECT_FALSE(mapped(loaded, "libcupti.so")) << "loading the plugin mapped libcupti\n"
                                                    << loaded;
    }

    const std::string reason = tim::registry::unavailable_reason(activity);
    if (reason.empty()) {
        // A device: asking whether CUPTI can be used loads it.
        EXPECT_TRUE(mapped(maps(), "libcupti.so")) << maps();
        GTEST_SKIP() << "a CUDA device is present: CUPTI is loaded to be used";
    }
    // The plugin's own answer (the placeholders without the plugin say "GPU plugin ...").
    ASSERT_EQ(reason.rfind("no CUDA device: ", 0), 0u) << reason;
    EXPECT_EQ(tim::registry::unavailable_reason(bytes), reason);
    EXPECT_EQ(tim::registry::unavailable_reason(api), reason);
    EXPECT_EQ(tim::registry::unavailable_reason(counters), reason);  // its metric list neither

    tim::clear_results();
    testing::internal::CaptureStderr();
    for (int i = 0; i < 2; ++i) {
        // What a user's configuration does: the CUPTI components are dropped with a warning.
        auto components = tim::registry::parse_list(
            "wall_clock, cupti_activity, cuda_memcpy_bytes, cuda_api, cupti_callback, "
            "cupti_counters");
        ASSERT_EQ(components.size(), 1u);
        tim::runtime_bundle outer{"outer", components};
        outer.start();
        tim::runtime_bundle inner{"inner", std::move(components)};
        inner.start();
        inner.stop();
        outer.stop();
    }
    {
        // C++ code holding the descriptions samples them without the registry's check: the
        // activity session and API timing are refused on has_device(), before any CUPTI.
        tim::runtime_bundle direct{"direct", {&wall, &activity, &bytes, &api, &counters}};
        direct.start();
        direct.stop();
    }
    tim::flush_pending();  // what every output does first: flushes the (never started) session
    const auto tree = tim::collect_results(true);
    const auto err = testing::internal::GetCapturedStderr();

    // Warned once each, whatever the number of requests.
    EXPECT_EQ(count(err, "component 'cupti_activity' is not available here (no CUDA device"), 1u)
        << err;
    EXPECT_EQ(count(err, "component 'cupti_memory_bytes' is not available here"), 1u) << err;
    EXPECT_EQ(count(err, "component 'cupti_callback' is not available here"), 1u) << err;
    EXPECT_EQ(count(err, "component 'cupti_counters' is not available here"), 1u) << err;
    EXPECT_EQ(count(err, "cupti_activity: no CUDA device"), 1u) << err;
    EXPECT_EQ(count(err, "cupti_callback: no CUDA device"), 1u) << err;
    EXPECT_EQ(count(err, "CUPTI not loaded"), 0u) << err;

    // Everything else measured.
    const auto rows = tim::component_view(tree, wall);
    ASSERT_NE(find_row(rows, "outer"), nullptr);
    ASSERT_NE(find_row(rows, "inner"), nullptr);
    ASSERT_NE(find_row(rows, "direct"), nullptr);
    EXPECT_EQ(find_row(rows, "outer")->inclusive[0].count, 2u);
    EXPECT_EQ(find_row(rows, "inner")->inclusive[0].count, 2u);
    EXPECT_EQ(find_row(rows, "direct")->inclusive[0].count, 1u);
    EXPECT_TRUE(tim::component_view(tree, activity).empty());
    EXPECT_TRUE(tim::component_view(tree, api).empty());
    EXPECT_TRUE(tim::component_view(tree, counters).empty());

    const std::string after = maps();
    EXPECT_TRUE(mapped(after, "libtimemory-gpu.so")) << after;
    EXPECT_TRUE(mapped(after, "libcudart.so")) << after;  // the plugin's own dependency
    EXPECT_FALSE(mapped(after, "libcupti.so")) << after;
    EXPECT_FALSE(mapped(after, "libnvperf")) << after;
    tim::clear_results();
}
