// Submodule `storage`: read access to the call-graph storage, per component.
//
//     for row in WallClockStorage.get():        # flat layout, depth-first
//         row.prefix(), row.depth(), row.hierarchy(), row.data(), row.stats()
//     for tree in WallClockStorage.get_tree():  # nested layout; the first node is the hidden root
//         tree.value().is_dummy(), tree.value().inclusive().data(), tree.children()
//
// Every call builds a fresh merged view of all threads (tim::collect_results), so what is returned
// is a snapshot: changing it does not change timemory. Values stay in raw units inside and are
// shown in the display units the settings ask for at the time of each call. dumps() hands the rows
// to the core's writers (tim::format_flat_json / format_tree_json), so it returns exactly what the
// <label>.json / <label>.tree.json files hold for the same data; load() reads either back.
#include "components.hpp"

#include "timemory/core/output.hpp"
#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/units.hpp"

#include <pybind11/stl.h>
#include <nlohmann/json.hpp>

#include <unistd.h>
#include <algorithm>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

namespace tim::python {
namespace {

using json = nlohmann::ordered_json;
using id_set = std::set<std::int64_t>;

struct stats_value {
    const component_info* info = nullptr;
    unsigned value = 0;
    accumulator acc;
    double scale() const { return display_scale(*info, value); }
};

// One row of the flat layout: a row of the core's view (component_view's, or one read back by
// load()). The rows are shared, so that hierarchy() walks the parents on demand instead of each
// row carrying a copy of its ancestry (quadratic in a deep tree).
using shared_rows = std::shared_ptr<const std::vector<component_record>>;
struct storage_result {
    const component_info* info = nullptr;
    shared_rows rows;
    std::size_t index = 0;
    const component_record& row() const { return (*rows)[index]; }
};

std::vector<storage_result> results_of(const component_info& info,
                                       std::vector<component_record>&& rows) {
    auto shared = std::make_shared<const std::vector<component_record>>(std::move(rows));
    std::vector<storage_result> out;
    out.reserve(shared->size());
    for (std::size_t i = 0; i < shared->size(); ++i) out.push_back({&info, shared, i});
    return out;
}

struct tree_value {
    const component_info* info = nullptr;
    std::string label;
    std::vector<accumulator> acc;
};

// A node of the nested layout: the core's row (row.label is the prefix shown), or the hidden root.
// Only the row's own fields are kept: its place in the tree is tree_node's.
struct tree_entry {
    const component_info* info = nullptr;
    component_record row;
    bool dummy = false;
    std::int64_t depth() const { return dummy ? -1 : std::int64_t{row.depth}; }
};

struct tree_node {
    tree_entry value;
    std::vector<std::shared_ptr<tree_node>> children;

    tree_node() = default;
    tree_node(const tree_node&) = delete;
    tree_node& operator=(const tree_node&) = delete;
    // The default destructor would recurse once per level (a deep tree overflows the stack):
    // take over the children of every descendant nobody else holds, one at a time.
    ~tree_node() {
        auto pending = std::move(children);
        while (!pending.empty()) {
            auto node = std::move(pending.back());
            pending.pop_back();
            if (node && node.use_count() == 1) {
                for (auto& c : node->children) pending.push_back(std::move(c));
                node->children.clear();
            }
        }
    }
};
using tree_ptr = std::shared_ptr<tree_node>;

// ---- building the views ---------------------------------------------------------------------

std::vector<component_record> view_of(const component_info& info) {
    py::gil_scoped_release release;
    return component_view(collect_results(), info);
}

std::vector<storage_result> flat(const component_info& info) {
    return results_of(info, view_of(info));
}

tree_ptr make_root(const component_info& info) {
    auto root = std::make_shared<tree_node>();
    root->value.info = &info;
    root->value.dummy = true;
    root->value.row.label = label_text(0);
    root->value.row.inclusive.assign(info.value_count, accumulator{});
    root->value.row.exclusive.assign(info.value_count, accumulator{});
    return root;
}

// Root = merge of the top-level nodes (exclusive 0), as in <label>.tree.json.
void finish_root(tree_node& root) {
    auto& v = root.value.row;
    for (const auto& child : root.children) {
        const auto& c = child->value.row;
        v.tids.insert(c.tids.begin(), c.tids.end());
        v.pids.insert(c.pids.begin(), c.pids.end());
        for (std::size_t i = 0; i < v.inclusive.size() && i < c.inclusive.size(); ++i)
            v.inclusive[i].merge(c.inclusive[i]);
    }
}

std::vector<tree_ptr> tree(const component_info& info) {
    auto rows = view_of(info);
    std::vector<tree_ptr> nodes(rows.size());
    auto root = make_root(info);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        nodes[i] = std::make_shared<tree_node>();
        auto& parent = rows[i].parent < 0 ? root : nodes[static_cast<std::size_t>(rows[i].parent)];
        parent->children.push_back(nodes[i]);
        nodes[i]->value = tree_entry{&info, std::move(rows[i]), false};
    }
    finish_root(*root);
    return {root};
}

// ---- JSON: the core's writers ----------------------------------------------------------------

// Trees back into rows in component_view's order (pre-order, by an explicit stack): the hidden
// root is left out (the writer computes it from the top-level rows), any other node given is a
// top-level row.
std::vector<component_record> rows_of_trees(const py::list& roots) {
    std::vector<component_record> rows;
    struct pending {
        const tree_node* node;
        std::int64_t parent;
        std::uint32_t depth;
    };
    std::vector<pending> stack;
    auto push_children = [&stack](const tree_node& n, std::int64_t parent, std::uint32_t depth) {
        for (auto c = n.children.rbegin(); c != n.children.rend(); ++c) {
            stack.push_back({c->get(), parent, depth});
        }
    };
    for (auto x : roots) {
        const auto& n = x.cast<const tree_node&>();
        if (n.value.dummy) {
            push_children(n, -1, 0);
        } else {
            stack.push_back({&n, -1, 0});
        }
        while (!stack.empty()) {
            const auto [node, parent, depth] = stack.back();
            stack.pop_back();
            component_record row = node->value.row;
            row.parent = parent;
            row.depth = depth;
            row.children.clear();
            const auto index = static_cast<std::int64_t>(rows.size());
            if (parent >= 0) rows[static_cast<std::size_t>(parent)].children.push_back(rows.size());
            rows.push_back(std::move(row));
            push_children(*node, index, depth + 1);
        }
    }
    return rows;
}

// ---- load -----------------------------------------------------------------------------------

std::string text_of(py::handle obj) {
    if (py::isinstance<py::dict>(obj))
        return py::module_::import("json").attr("dumps")(obj).cast<std::string>();
    if (py::hasattr(obj, "read")) return obj.attr("read")().cast<std::string>();
    const auto text = py::str(py::module_::import("os").attr("fspath")(obj)).cast<std::string>();
    const auto first = text.find_first_not_of(" \t\r\n");
    if (first != std::string::npos && text[first] == '{') return text;
    std::ifstream in{text};
    if (!in) throw py::value_error("timemory.storage.load: cannot open '" + text + "'");
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// Accumulators back from a measurement object; display values are scaled back with the file's
// own unit_value so that the current settings apply when they are shown again.
std::vector<accumulator> from_measurement(const component_info& info, const json& m,
                                          const json& scales) {
    std::vector<accumulator> out(info.value_count);
    const json& s = m.at("stats");
    auto get = [&](const json& field, unsigned v) -> double {
        const json& x = field.is_array() ? field.at(v) : field;
        return x.is_number() ? x.get<double>() : 0.0;
    };
    for (unsigned v = 0; v < info.value_count; ++v) {
        const double scale = scales.is_null() ? display_scale(info, v) : get(scales, v);
        auto& a = out[v];
        a.count = static_cast<std::uint64_t>(get(s.at("count"), v));
        if (a.count == 0) continue;
        a.sum = get(s.at("sum"), v) * scale;
        a.min = get(s.at("min"), v) * scale;
        a.max = get(s.at("max"), v) * scale;
        a.shifted_sum = a.sum;
        a.shifted_sqr = get(s.at("sqr"), v) * scale * scale;
    }
    return out;
}

id_set ids_of(const json& node, const char* key) {
    id_set out;
    if (!node.contains(key)) return out;
    const auto& x = node.at(key);
    if (x.is_array()) {
        for (const auto& i : x) out.insert(i.get<std::int64_t>());
    } else if (x.is_number()) {
        out.insert(x.get<std::int64_t>());
    }
    return out;
}

void load_value(const component_info& info, const json& j, const json& scales, tree_node& out) {
    const json& n = j.at("node");
    auto& v = out.value.row;
    out.value.info = &info;
    v.tids = ids_of(n, "tid");
    v.pids = ids_of(n, "pid");
    v.depth = static_cast<std::uint32_t>(std::max<std::int64_t>(n.value("depth", 1) - 1, 0));
    v.hash = n.value("hash", hash_value{0});
    v.label = n.value("prefix", std::string{});
    out.value.dummy = n.value("is_dummy", false) || v.hash == 0;
    v.inclusive = from_measurement(info, n.at("inclusive"), scales);
    v.exclusive = from_measurement(info, n.at("exclusive"), scales);
}

// A node and its descendants, by an explicit stack (files can be deeper than the C stack).
tree_ptr load_node(const component_info& info, const json& j, const json& scales) {
    auto root = std::make_shared<tree_node>();
    std::vector<std::pair<const json*, tree_node*>> stack{{&j, root.get()}};
    while (!stack.empty()) {
        const auto [in, out] = stack.back();
        stack.pop_back();
        load_value(info, *in, scales, *out);
        auto c = in->find("children");
        if (c == in->end()) continue;
        for (const auto& child : *c) {
            out->children.push_back(std::make_shared<tree_node>());
            stack.push_back({&child, out->children.back().get()});
        }
    }
    return root;
}

// ">>> |_bar" or "|0>>>   |_bar" -> "bar".
std::string undecorated(const std::string& prefix) {
    std::size_t pos = prefix.find(">>> ");
    pos = pos == std::string::npos ? 0 : pos + 4;
    while (pos < prefix.size() && prefix[pos] == ' ') ++pos;
    if (prefix.compare(pos, 2, "|_") == 0) pos += 2;
    return prefix.substr(pos);
}

std::vector<storage_result> load_rows(const component_info& info, const json& graph,
                                      const json& scales) {
    std::vector<component_record> rows;
    std::vector<std::size_t> open;  // the current row's ancestors, by depth
    for (const auto& g : graph) {
        component_record r;
        r.depth = g.value("depth", 0u);
        r.hash = g.value("hash", hash_value{0});
        r.prefix = g.value("prefix", std::string{});
        r.tids = ids_of(g, "tid");
        r.pids = ids_of(g, "pid");
        open.resize(std::min<std::size_t>(open.size(), r.depth));
        r.parent = open.empty() ? -1 : static_cast<std::int64_t>(open.back());
        const hash_value above =
            open.empty() ? 0 : rows[static_cast<std::size_t>(r.parent)].rolling_hash;
        r.rolling_hash = g.value("rolling_hash", static_cast<hash_value>(above + r.hash));
        r.label = g.value("label", undecorated(r.prefix));
        r.inclusive = from_measurement(info, g, scales);
        if (r.parent >= 0) rows[static_cast<std::size_t>(r.parent)].children.push_back(rows.size());
        open.push_back(rows.size());
        rows.push_back(std::move(r));
    }
    return results_of(info, std::move(rows));
}

py::object load(const component_info& info, py::handle obj) {
    json doc;
    try {
        doc = json::parse(text_of(obj));
    } catch (const json::exception& e) {
        throw py::value_error(std::string{"timemory.storage.load: not JSON: "} + e.what());
    }
    const json* body = doc.contains("timemory") ? &doc.at("timemory") : &doc;
    const json* comp = nullptr;
    for (auto it = body->begin(); it != body->end(); ++it) {
        if (registry::find(it.key()) == &info) comp = &it.value();
    }
    if (comp == nullptr)
        throw py::value_error("timemory.storage.load: no '" + std::string{info.id} +
                              "' data in the input");
    const json scales = comp->value("unit_value", json{});
    try {
        if (comp->contains("ranks")) {
            std::vector<storage_result> rows;
            for (const auto& rank : comp->at("ranks")) {
                auto r = load_rows(info, rank.at("graph"), scales);
                rows.insert(rows.end(), r.begin(), r.end());
            }
            return py::cast(rows);
        }
        // Tree layout: our files use "mpi" (see output_tree.cpp); timemory's non-MPI files "graph".
        for (const char* key : {"mpi", "graph"}) {
            if (!comp->contains(key)) continue;
            std::vector<tree_ptr> roots;
            for (const auto& rank : comp->at(key)) {
                for (const auto& t : rank) roots.push_back(load_node(info, t, scales));
            }
            return py::cast(roots);
        }
    } catch (const json::exception& e) {
        throw py::value_error(std::string{"timemory.storage.load: unexpected layout: "} + e.what());
    }
    throw py::value_error(
        "timemory.storage.load: expected 'ranks' (flat) or 'mpi'/'graph' (tree) data");
}

py::object dumps(const component_info& info, py::handle obj) {
    auto items = py::list(py::reinterpret_borrow<py::object>(obj));
    const bool nested = !items.empty() && py::isinstance<py::list>(items[0]);
    std::vector<py::list> ranks;
    if (nested) {
        for (auto r : items) ranks.emplace_back(py::reinterpret_borrow<py::list>(r));
    } else {
        ranks.push_back(items);
    }
    bool trees = false;
    for (auto& r : ranks) {
        for (auto x : r) trees = trees || py::isinstance<tree_node>(x);
    }
    rank_views views;
    try {
        for (auto& r : ranks) {
            if (trees) {
                views.push_back(rows_of_trees(r));
                continue;
            }
            auto& rows = views.emplace_back();
            for (auto x : r) rows.push_back(x.cast<const storage_result&>().row());
        }
    } catch (const py::cast_error&) {
        throw py::type_error(
            "timemory.storage: dumps() takes the result of get() or get_tree() "
            "(or a list of them per rank)");
    }
    std::string text;
    {
        py::gil_scoped_release release;
        text = trees ? format_tree_json(info, views) : format_flat_json(info, views);
    }
    return py::module_::import("json").attr("loads")(text);
}

// ---- Python classes -------------------------------------------------------------------------

std::string stats_text(const stats_value& s) {
    const double k = s.scale();
    std::ostringstream ss;
    ss << "[sum: " << s.acc.sum / k << "] [min: " << s.acc.reported_min() / k
       << "] [max: " << s.acc.reported_max() / k << "] [sqr: " << s.acc.sqr() / (k * k)
       << "] [count: " << s.acc.count << "]";
    return ss.str();
}

py::object stats_of(const component_info& info, const std::vector<accumulator>& acc) {
    auto one = [&](unsigned v) {
        return py::cast(stats_value{&info, v, v < acc.size() ? acc[v] : accumulator{}});
    };
    if (info.value_count == 1) return one(0);
    py::tuple out(info.value_count);
    for (unsigned v = 0; v < info.value_count; ++v) out[v] = one(v);
    return out;
}

void bind_types(py::module_& m) {
    py::class_<stats_value>(m, "Statistics", "count/sum/min/max/sqr of one value, in display units")
        .def("count", [](const stats_value& s) { return s.acc.count; })
        .def("sum", [](const stats_value& s) { return s.acc.sum / s.scale(); })
        .def("min", [](const stats_value& s) { return s.acc.reported_min() / s.scale(); })
        .def("max", [](const stats_value& s) { return s.acc.reported_max() / s.scale(); })
        .def("sqr", [](const stats_value& s) { return s.acc.sqr() / (s.scale() * s.scale()); })
        .def("mean", [](const stats_value& s) { return s.acc.mean() / s.scale(); })
        .def("variance",
             [](const stats_value& s) { return s.acc.variance() / (s.scale() * s.scale()); })
        .def("stddev", [](const stats_value& s) { return s.acc.stddev() / s.scale(); })
        .def("__str__", &stats_text)
        .def("__repr__", &stats_text);

    py::class_<storage_result>(m, "StorageResult", "One row of the flat layout")
        .def(
            "tid",
            [](const storage_result& r) {
                return r.row().tids.empty() ? 0 : *r.row().tids.begin();
            },
            "Thread id (the first one when threads were merged)")
        .def("pid",
             [](const storage_result& r) {
                 return r.row().pids.empty() ? std::int64_t{::getpid()} : *r.row().pids.begin();
             })
        .def(
            "depth", [](const storage_result& r) { return r.row().depth; },
            "0 for top-level regions")
        .def("hash", [](const storage_result& r) { return r.row().hash; })
        .def(
            "rolling_hash", [](const storage_result& r) { return r.row().rolling_hash; },
            "Sum of the hierarchy's hashes modulo 2**64")
        .def(
            "prefix", [](const storage_result& r) { return r.row().prefix; },
            "Decorated label, e.g. '>>> |_bar'")
        .def(
            "hierarchy", [](const storage_result& r) { return hierarchy(*r.rows, r.index); },
            "Hashes from the top-level ancestor to this row")
        .def(
            "data",
            [](const storage_result& r) {
                return make_component(*r.info, r.row().label, r.row().inclusive);
            },
            "The accumulated value as a component object (str: '   5.531 sec wall')")
        .def("stats", [](const storage_result& r) { return stats_of(*r.info, r.row().inclusive); })
        .def("__repr__", [](const storage_result& r) {
            return r.row().prefix + ":" + format_values(*r.info, r.row().inclusive);
        });

    py::class_<tree_value>(m, "StorageTreeEntryValue",
                           "Inclusive or exclusive value of a tree node")
        .def("data", [](const tree_value& v) { return make_component(*v.info, v.label, v.acc); })
        .def("stats", [](const tree_value& v) { return stats_of(*v.info, v.acc); });

    py::class_<tree_entry>(m, "StorageTreeEntry", "The value of one node of the nested layout")
        .def(
            "tid", [](const tree_entry& e) { return e.row.tids; }, "Set of thread ids")
        .def(
            "pid", [](const tree_entry& e) { return e.row.pids; }, "Set of process ids")
        .def(
            "depth", [](const tree_entry& e) { return e.depth(); },
            "-1 for the hidden root, 0 for top-level regions")
        .def("hash", [](const tree_entry& e) { return e.row.hash; })
        .def(
            "prefix", [](const tree_entry& e) { return e.row.label; },
            "Undecorated label ('unknown-hash=0' for the root)")
        .def(
            "is_dummy", [](const tree_entry& e) { return e.dummy; }, "True for the hidden root")
        .def("inclusive",
             [](const tree_entry& e) {
                 return tree_value{e.info, e.row.label, e.row.inclusive};
             })
        .def(
            "exclusive",
            [](const tree_entry& e) {
                return tree_value{e.info, e.row.label, e.row.exclusive};
            },
            "Inclusive minus the children's inclusive; never negative");

    py::class_<tree_node, tree_ptr>(m, "StorageTree", "A node of the nested layout")
        .def("value", [](const tree_node& n) { return n.value; })
        .def("children", [](const tree_node& n) { return n.children; });
}

void add_storage_class(py::module_& m, const component_info& info) {
    const component_info* ip = &info;
    auto stat = [](auto&& f, const char* name, const char* doc) {
        return py::staticmethod(
            py::cpp_function(std::forward<decltype(f)>(f), py::name(name), py::doc(doc)));
    };
    py::dict ns;
    ns["__module__"] = "timemory.storage";
    ns["__doc__"] =
        "Call-graph storage of " + std::string{info.id} + " (" + std::string{info.class_name} + ")";
    ns["get"] = stat([ip] { return flat(*ip); }, "get",
                     "Flat layout: one StorageResult per call-graph row");
    ns["get_tree"] =
        stat([ip] { return tree(*ip); }, "get_tree", "Nested layout: [root StorageTree]");
    ns["dmp_get"] = stat([ip] { return std::vector<std::vector<storage_result>>{flat(*ip)}; },
                         "dmp_get", "get() per rank (one rank)");
    ns["dmp_get_tree"] = stat([ip] { return std::vector<std::vector<tree_ptr>>{tree(*ip)}; },
                              "dmp_get_tree", "get_tree() per rank (one rank)");
    ns["dumps"] =
        stat([ip](py::handle obj) { return dumps(*ip, obj); }, "dumps",
             "The JSON of the .json (get() result) or .tree.json (get_tree() result) file for this "
             "data, as a dict; written by the same code as the files");
    ns["load"] = stat([ip](py::handle obj) { return load(*ip, obj); }, "load",
                      "Read .json / .tree.json data (dict, JSON text, file name or file object)");
    const std::string name = std::string{info.class_name} + "Storage";
    py::object cls =
        py::module_::import("builtins")
            .attr("type")(name, py::make_tuple(py::module_::import("builtins").attr("object")), ns);
    py::setattr(m, py::str(name), cls);
}

}  // namespace

void init_storage(py::module_& root) {
    auto m = root.def_submodule(
        "storage",
        "Access to the call-graph storage: <Component>Storage.get() (flat) and get_tree() "
        "(nested) for every component class; the data is a snapshot");
    bind_types(m);
    for (const auto* info : registry::all()) add_storage_class(m, *info);
}

}  // namespace tim::python
