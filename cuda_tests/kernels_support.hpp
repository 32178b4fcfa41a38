// Helpers of the instrumented-kernel tests (test_kernels*.cu): a region over a runtime bundle,
// and lookups in the merged result tree that tim::collect_results() returns.
#pragma once

#include "timemory/core/bundle.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

/// ASSERT that a CUDA call succeeded, printing the call and CUDA's message when it did not.
#define CUDA_ASSERT(call)                                         \
    do {                                                          \
        const cudaError_t cuda_assert_err = (call);               \
        ASSERT_EQ(cuda_assert_err, cudaSuccess)                   \
            << #call ": " << cudaGetErrorString(cuda_assert_err); \
    } while (0)

namespace kernels_test {

using component_list = std::vector<const tim::component_info*>;

/// A region measuring `components` for the lifetime of the object.
class region {
  public:
    region(std::string_view label, const component_list& components) : m_bundle{label, components} {
        m_bundle.start();
    }
    ~region() { m_bundle.stop(); }
    region(const region&) = delete;
    region& operator=(const region&) = delete;

  private:
    tim::runtime_bundle m_bundle;
};

/// The child of `parent` labelled exactly `label`, or nullptr.
inline const tim::result_node* child(const tim::result_tree& tree, const tim::result_node& parent,
                                     std::string_view label) {
    for (auto c : parent.children) {
        if (tree.nodes[c].label == label) return &tree.nodes[c];
    }
    return nullptr;
}

/// The node reached from the root through `labels`, or nullptr.
inline const tim::result_node* path(const tim::result_tree& tree,
                                    std::initializer_list<std::string_view> labels) {
    if (tree.nodes.empty()) return nullptr;
    const tim::result_node* node = &tree.nodes[0];
    for (auto label : labels) {
        node = child(tree, *node, label);
        if (node == nullptr) return nullptr;
    }
    return node;
}

/// Children of `parent` whose label contains `text` (kernel rows carry the demangled name).
inline std::vector<const tim::result_node*> children_containing(const tim::result_tree& tree,
                                                                const tim::result_node& parent,
                                                                std::string_view text) {
    std::vector<const tim::result_node*> out;
    for (auto c : parent.children) {
        if (tree.nodes[c].label.find(text) != std::string::npos) out.push_back(&tree.nodes[c]);
    }
    return out;
}

/// Statistics of the first value of `component` on `node` (empty when it has none).
inline tim::accumulator value(const tim::result_node& node, std::uint16_t component) {
    auto it = node.data.find(component);
    if (it == node.data.end() || it->second.empty()) return {};
    return it->second[0];
}

/// Runs `worker(std::integral_constant<int, T>, "worker_T")` on two threads, T = 0 and 1, and
/// joins them (the tag is a compile-time constant, so each thread can launch its own kernel).
template <typename Worker>
void on_two_threads(Worker&& worker) {
    std::thread first{worker, std::integral_constant<int, 0>{}, "worker_0"};
    std::thread second{worker, std::integral_constant<int, 1>{}, "worker_1"};
    first.join();
    second.join();
}

/// "'label' { component=count x sum ... }; ..." of every child: what a failed lookup prints.
inline std::string describe_children(const tim::result_tree& tree, const tim::result_node& parent) {
    std::ostringstream out;
    for (auto c : parent.children) {
        const auto& n = tree.nodes[c];
        out << "'" << n.label << "' {";
        for (const auto& [component, values] : n.data) {
            const auto* info = tim::registry::at(component);
            out << " " << (info ? info->id : std::string_view{"?"});
            if (!values.empty()) out << "=" << values[0].count << "x" << values[0].sum;
        }
        out << " }; ";
    }
    return parent.children.empty() ? std::string{"(no children)"} : out.str();
}

}  // namespace kernels_test
