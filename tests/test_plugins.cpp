// Run-time plugins as the core sees them: the tables plugins publish for their rooms' APIs, and
// the components of the GPU plugin, which resolve by the same slots, ids, aliases, labels and
// class names whether the plugin is loaded (it registers them) or not (the core names them and
// says why they cannot measure).
#include "timemory/core/plugins.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/slots.hpp"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace {

TEST(Plugins, PublishedTablesAreFoundByNameAndReplacedByANewOne) {
    static const int first = 1;
    static const int second = 2;
    EXPECT_EQ(tim::plugins::find("test.table"), nullptr);
    tim::plugins::publish("test.table", &first);
    EXPECT_EQ(tim::plugins::find("test.table"), &first);
    tim::plugins::publish("test.table", &second);
    EXPECT_EQ(tim::plugins::find("test.table"), &second);
    EXPECT_EQ(tim::plugins::find("test.other"), nullptr);
}

TEST(Plugins, AnUnknownPluginIsNamedInItsStatusAndHasNoComponents) {
    EXPECT_EQ(tim::plugins::status("mpi_test"), "no plugin mpi_test");
    EXPECT_TRUE(tim::plugins::placeholders("mpi_test").empty());
}

TEST(Plugins, GpuComponentsResolveWithTheCoresNamesWithOrWithoutThePlugin) {
    const std::string status = tim::plugins::status("gpu");
    const auto names = tim::plugins::placeholders("gpu");
    ASSERT_EQ(names.size(), 6u);
    std::size_t in_gpu_slots = 0;
    for (const auto* info : tim::registry::all())
        in_gpu_slots += tim::slots::gpu.contains(info->index);
    EXPECT_EQ(in_gpu_slots, names.size()) << "the core's table and the registered GPU slots differ";

    for (const auto& name : names) {
        SCOPED_TRACE(std::string{name.id});
        EXPECT_TRUE(tim::slots::gpu.contains(name.slot));
        const auto* info = tim::registry::find(name.id);
        ASSERT_NE(info, nullptr);
        EXPECT_EQ(info->index, name.slot);
        EXPECT_EQ(info->label, name.label);
        EXPECT_EQ(info->class_name, name.class_name);
        std::vector<std::string_view> aliases;
        for (auto alias : name.aliases) {
            if (alias.empty()) continue;
            aliases.push_back(alias);
            EXPECT_EQ(tim::registry::find(alias), info) << alias;
        }
        EXPECT_EQ(info->aliases, aliases);
        if (status.empty()) {
            // The plugin's own description, not the core's words for a missing plugin.
            EXPECT_EQ(info->description.find("libtimemory-gpu"), std::string_view::npos);
        } else {
            EXPECT_EQ(tim::registry::unavailable_reason(*info), status);
            EXPECT_EQ(info->size(), 0u);  // a placeholder records nothing
        }
    }
}

}  // namespace
