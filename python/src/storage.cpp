// Submodule `storage`: read access to the call-graph storage, per component.
//
//     for row in WallClockStorage.get():        # flat layout, depth-first
//         row.prefix(), row.depth(), row.hierarchy(), row.data(), row.stats()
//     for tree in WallClockStorage.get_tree():  # nested layout; the first node is the hidden root
//         tree.value().is_dummy(), tree.value().inclusive().data(), tree.children()
//
// Every call builds a fresh merged view of all threads (tim::collect_results), so what is returned
// is a snapshot: changing it does not change timemory. Values stay in raw units inside and are
// shown in the display units the settings ask for at the time of each call. dumps() writes the
// same JSON layout as the <label>.json / <label>.tree.json files, and load() reads either back.
#include "components.hpp"

#include "timemory/core/registry.hpp"
#include "timemory/core/results.hpp"
#include "timemory/core/units.hpp"

#include <nlohmann/json.hpp>
#include <pybind11/stl.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>
#include <unistd.h>

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

struct storage_result {
    const component_info* info = nullptr;
    id_set tids, pids;
    std::uint32_t depth = 0;
    hash_value hash = 0, rolling_hash = 0;
    std::string prefix, label;
    std::vector<hash_value> hierarchy;
    std::vector<accumulator> inclusive;
};

struct tree_value {
    const component_info* info = nullptr;
    std::string label;
    std::vector<accumulator> acc;
};

struct tree_entry {
    const component_info* info = nullptr;
    id_set tids, pids;
    std::int64_t depth = -1;  // the hidden root is -1, top-level regions 0
    hash_value hash = 0;
    std::string prefix;
    bool dummy = false;
    std::vector<accumulator> inclusive, exclusive;
};

struct tree_node {
    tree_entry value;
    std::vector<std::shared_ptr<tree_node>> children;
};
using tree_ptr = std::shared_ptr<tree_node>;

// ---- building the views ---------------------------------------------------------------------

std::vector<component_record> view_of(const component_info& info) {
    py::gil_scoped_release release;
    return component_view(collect_results(), info);
}

std::vector<storage_result> flat(const component_info& info) {
    std::vector<storage_result> out;
    for (auto& row : view_of(info)) {
        storage_result r;
        r.info = &info;
        r.tids = row.tids;
        r.pids = row.pids;
        r.depth = row.depth;
        r.hash = row.hash;
        r.rolling_hash = row.rolling_hash;
        r.prefix = row.prefix;
        r.label = row.label;
        r.hierarchy = row.hierarchy;
        r.inclusive = row.inclusive;
        out.push_back(std::move(r));
    }
    return out;
}

tree_ptr make_root(const component_info& info) {
    auto root = std::make_shared<tree_node>();
    root->value.info = &info;
    root->value.dummy = true;
    root->value.prefix = label_text(0);
    root->value.inclusive.assign(info.value_count, accumulator{});
    root->value.exclusive.assign(info.value_count, accumulator{});
    return root;
}

// Root = merge of the top-level nodes (exclusive 0), as in <label>.tree.json.
void finish_root(tree_node& root) {
    auto& v = root.value;
    for (const auto& child : root.children) {
        v.tids.insert(child->value.tids.begin(), child->value.tids.end());
        v.pids.insert(child->value.pids.begin(), child->value.pids.end());
        for (std::size_t i = 0; i < v.inclusive.size() && i < child->value.inclusive.size(); ++i)
            v.inclusive[i].merge(child->value.inclusive[i]);
    }
}

std::vector<tree_ptr> tree(const component_info& info) {
    const auto rows = view_of(info);
    std::vector<tree_ptr> nodes(rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto n = std::make_shared<tree_node>();
        n->value = tree_entry{&info, rows[i].tids, rows[i].pids, rows[i].depth, rows[i].hash,
                              rows[i].label, false, rows[i].inclusive, rows[i].exclusive};
        nodes[i] = n;
    }
    auto root = make_root(info);
    for (std::size_t i = 0; i < rows.size(); ++i) {
        auto& parent = rows[i].parent < 0 ? root : nodes[static_cast<std::size_t>(rows[i].parent)];
        parent->children.push_back(nodes[i]);
    }
    finish_root(*root);
    return {root};
}

// ---- JSON (same layout as the output files) -------------------------------------------------

bool multi(const component_info& info) { return info.value_count != 1 || !info.values.empty(); }

template <typename F>
json per_value(const component_info& info, F&& f) {
    if (!multi(info)) return f(0u);
    json out = json::array();
    for (unsigned v = 0; v < info.value_count; ++v) out.push_back(f(v));
    return out;
}

double finite(double x) { return std::isfinite(x) ? x : 0.0; }

json header(const component_info& info, const id_set& tids, const id_set& pids) {
    std::set<std::string> ids{std::string{info.id}};
    for (auto a : info.aliases) ids.emplace(a);
    std::string upper{info.id};
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    json h;
    h["properties"] = {{"value", info.index}, {"enum", upper}, {"id", info.id}, {"ids", ids}};
    h["type"] = per_value(info, [&](unsigned v) { return json(info.value_label(v)); });
    h["description"] = per_value(info, [&](unsigned v) {
        return json(info.values.empty() ? info.description : info.values[v].description);
    });
    h["unit_value"] = per_value(info, [&](unsigned v) { return json(display_scale(info, v)); });
    h["unit_repr"] = per_value(info, [&](unsigned v) { return json(display_unit_name(info, v)); });
    h["thread_count"] = std::max<std::size_t>(tids.size(), 1);
    h["process_count"] = std::max<std::size_t>(pids.size(), 1);
    h["num_ranks"] = 1;
    h["concurrency"] = std::max<std::size_t>(tids.size(), 1);
    return h;
}

json measurement(const component_info& info, const std::vector<accumulator>& acc) {
    auto at = [&](unsigned v) { return v < acc.size() ? acc[v] : accumulator{}; };
    std::uint64_t laps = 0;
    for (const auto& a : acc) laps = std::max(laps, a.count);
    json entry;
    entry["laps"] = laps;
    entry["value"] = per_value(info, [&](unsigned v) { return json(finite(at(v).sum)); });
    entry["accum"] = entry["value"];
    entry["repr_data"] = per_value(info, [&](unsigned v) { return json(finite(at(v).sum / display_scale(info, v))); });
    entry["repr_display"] = entry["repr_data"];
    auto field = [&](auto&& get) {
        return per_value(info, [&](unsigned v) { return json(finite(get(at(v), display_scale(info, v)))); });
    };
    json stats;
    stats["sum"] = field([](const accumulator& a, double s) { return a.sum / s; });
    stats["count"] = per_value(info, [&](unsigned v) { return json(at(v).count); });
    stats["min"] = field([](const accumulator& a, double s) { return a.reported_min() / s; });
    stats["max"] = field([](const accumulator& a, double s) { return a.reported_max() / s; });
    stats["sqr"] = field([](const accumulator& a, double s) { return a.sqr() / (s * s); });
    stats["mean"] = field([](const accumulator& a, double s) { return a.mean() / s; });
    stats["stddev"] = field([](const accumulator& a, double s) { return a.stddev() / s; });
    return json{{"entry", entry}, {"stats", stats}};
}

json flat_json(const component_info& info, const std::vector<std::vector<storage_result>>& ranks) {
    id_set tids, pids;
    json out_ranks = json::array();
    for (std::size_t r = 0; r < ranks.size(); ++r) {
        json graph = json::array();
        for (const auto& row : ranks[r]) {
            tids.insert(row.tids.begin(), row.tids.end());
            pids.insert(row.pids.begin(), row.pids.end());
            auto m = measurement(info, row.inclusive);
            graph.push_back({{"hash", row.hash}, {"prefix", row.prefix}, {"depth", row.depth},
                             {"entry", m["entry"]}, {"stats", m["stats"]},
                             {"rolling_hash", row.rolling_hash}, {"hierarchy", row.hierarchy},
                             {"label", row.label}, {"tid", row.tids}, {"pid", row.pids}});
        }
        out_ranks.push_back({{"rank", r}, {"graph_size", graph.size()}, {"graph", graph}});
    }
    json h = header(info, tids, pids);
    h["ranks"] = out_ranks;
    return h;
}

json node_json(const tree_node& n) {
    const auto& v = n.value;
    json children = json::array();
    for (const auto& c : n.children) children.push_back(node_json(*c));
    json node = {{"hash", v.hash}, {"prefix", v.prefix}, {"tid", v.tids}, {"pid", v.pids},
                 {"depth", v.depth + 1}, {"is_dummy", v.dummy},
                 {"inclusive", measurement(*v.info, v.inclusive)},
                 {"exclusive", measurement(*v.info, v.exclusive)}};
    return {{"node", node}, {"children", children}};
}

py::object to_dict(const component_info& info, json body) {
    json root;
    root["timemory"][std::string{info.id}] = std::move(body);
    return py::module_::import("json").attr("loads")(root.dump(-1, ' ', false, json::error_handler_t::replace));
}

// ---- load -----------------------------------------------------------------------------------

std::string text_of(py::handle obj) {
    if (py::isinstance<py::dict>(obj)) return py::module_::import("json").attr("dumps")(obj).cast<std::string>();
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
std::vector<accumulator> from_measurement(const component_info& info, const json& m, const json& scales) {
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

tree_ptr load_node(const component_info& info, const json& j, const json& scales) {
    const json& n = j.at("node");
    auto out = std::make_shared<tree_node>();
    auto& v = out->value;
    v.info = &info;
    v.tids = ids_of(n, "tid");
    v.pids = ids_of(n, "pid");
    v.depth = n.value("depth", std::int64_t{0}) - 1;
    v.hash = n.value("hash", hash_value{0});
    v.prefix = n.value("prefix", std::string{});
    v.dummy = n.value("is_dummy", false) || v.hash == 0;
    v.inclusive = from_measurement(info, n.at("inclusive"), scales);
    v.exclusive = from_measurement(info, n.at("exclusive"), scales);
    for (const auto& c : j.value("children", json::array())) out->children.push_back(load_node(info, c, scales));
    return out;
}

// ">>> |_bar" or "|0>>>   |_bar" -> "bar".
std::string undecorated(const std::string& prefix) {
    std::size_t pos = prefix.find(">>> ");
    pos = pos == std::string::npos ? 0 : pos + 4;
    while (pos < prefix.size() && prefix[pos] == ' ') ++pos;
    if (prefix.compare(pos, 2, "|_") == 0) pos += 2;
    return prefix.substr(pos);
}

std::vector<storage_result> load_rows(const component_info& info, const json& graph, const json& scales) {
    std::vector<storage_result> out;
    std::vector<hash_value> stack;  // hashes of the ancestors of the current row, by depth
    for (const auto& g : graph) {
        storage_result r;
        r.info = &info;
        r.depth = g.value("depth", 0u);
        r.hash = g.value("hash", hash_value{0});
        r.prefix = g.value("prefix", std::string{});
        r.tids = ids_of(g, "tid");
        r.pids = ids_of(g, "pid");
        stack.resize(std::min<std::size_t>(stack.size(), r.depth));
        stack.push_back(r.hash);
        r.hierarchy = g.contains("hierarchy") ? g.at("hierarchy").get<std::vector<hash_value>>() : stack;
        hash_value rolling = 0;
        for (auto h : r.hierarchy) rolling += h;
        r.rolling_hash = g.value("rolling_hash", rolling);
        r.label = g.value("label", undecorated(r.prefix));
        r.inclusive = from_measurement(info, g, scales);
        out.push_back(std::move(r));
    }
    return out;
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
        throw py::value_error("timemory.storage.load: no '" + std::string{info.id} + "' data in the input");
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
    if (trees) {
        id_set tids, pids;
        json graph = json::array();
        for (auto& r : ranks) {
            json rank = json::array();
            for (auto x : r) {
                const auto& n = x.cast<const tree_node&>();
                tids.insert(n.value.tids.begin(), n.value.tids.end());
                pids.insert(n.value.pids.begin(), n.value.pids.end());
                rank.push_back(node_json(n));
            }
            graph.push_back(std::move(rank));
        }
        json h = header(info, tids, pids);
        h["mpi"] = std::move(graph);  // the key of <label>.tree.json, so hatchet reads it too
        return to_dict(info, std::move(h));
    }
    std::vector<std::vector<storage_result>> rows;
    try {
        for (auto& r : ranks) rows.push_back(r.cast<std::vector<storage_result>>());
    } catch (const py::cast_error&) {
        throw py::type_error("timemory.storage: dumps() takes the result of get() or get_tree() "
                             "(or a list of them per rank)");
    }
    return to_dict(info, flat_json(info, rows));
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
        .def("variance", [](const stats_value& s) { return s.acc.variance() / (s.scale() * s.scale()); })
        .def("stddev", [](const stats_value& s) { return s.acc.stddev() / s.scale(); })
        .def("__str__", &stats_text)
        .def("__repr__", &stats_text);

    py::class_<storage_result>(m, "StorageResult", "One row of the flat layout")
        .def("tid", [](const storage_result& r) { return r.tids.empty() ? 0 : *r.tids.begin(); },
             "Thread id (the first one when threads were merged)")
        .def("pid", [](const storage_result& r) { return r.pids.empty() ? std::int64_t{::getpid()} : *r.pids.begin(); })
        .def("depth", [](const storage_result& r) { return r.depth; }, "0 for top-level regions")
        .def("hash", [](const storage_result& r) { return r.hash; })
        .def("rolling_hash", [](const storage_result& r) { return r.rolling_hash; },
             "Sum of the hierarchy's hashes modulo 2**64")
        .def("prefix", [](const storage_result& r) { return r.prefix; }, "Decorated label, e.g. '>>> |_bar'")
        .def("hierarchy", [](const storage_result& r) { return r.hierarchy; }, "Hashes from the top-level ancestor to this row")
        .def("data", [](const storage_result& r) { return make_component(*r.info, r.label, r.inclusive); },
             "The accumulated value as a component object (str: '   5.531 sec wall')")
        .def("stats", [](const storage_result& r) { return stats_of(*r.info, r.inclusive); })
        .def("__repr__", [](const storage_result& r) { return r.prefix + ":" + format_values(*r.info, r.inclusive); });

    py::class_<tree_value>(m, "StorageTreeEntryValue", "Inclusive or exclusive value of a tree node")
        .def("data", [](const tree_value& v) { return make_component(*v.info, v.label, v.acc); })
        .def("stats", [](const tree_value& v) { return stats_of(*v.info, v.acc); });

    py::class_<tree_entry>(m, "StorageTreeEntry", "The value of one node of the nested layout")
        .def("tid", [](const tree_entry& e) { return e.tids; }, "Set of thread ids")
        .def("pid", [](const tree_entry& e) { return e.pids; }, "Set of process ids")
        .def("depth", [](const tree_entry& e) { return e.depth; }, "-1 for the hidden root, 0 for top-level regions")
        .def("hash", [](const tree_entry& e) { return e.hash; })
        .def("prefix", [](const tree_entry& e) { return e.prefix; }, "Undecorated label ('unknown-hash=0' for the root)")
        .def("is_dummy", [](const tree_entry& e) { return e.dummy; }, "True for the hidden root")
        .def("inclusive", [](const tree_entry& e) { return tree_value{e.info, e.prefix, e.inclusive}; })
        .def("exclusive", [](const tree_entry& e) { return tree_value{e.info, e.prefix, e.exclusive}; },
             "Inclusive minus the children's inclusive; never negative");

    py::class_<tree_node, tree_ptr>(m, "StorageTree", "A node of the nested layout")
        .def("value", [](const tree_node& n) { return n.value; })
        .def("children", [](const tree_node& n) { return n.children; });
}

void add_storage_class(py::module_& m, const component_info& info) {
    const component_info* ip = &info;
    auto stat = [](auto&& f, const char* name, const char* doc) {
        return py::staticmethod(py::cpp_function(std::forward<decltype(f)>(f), py::name(name), py::doc(doc)));
    };
    py::dict ns;
    ns["__module__"] = "timemory.storage";
    ns["__doc__"] = "Call-graph storage of " + std::string{info.id} + " (" + std::string{info.class_name} + ")";
    ns["get"] = stat([ip] { return flat(*ip); }, "get", "Flat layout: one StorageResult per call-graph row");
    ns["get_tree"] = stat([ip] { return tree(*ip); }, "get_tree", "Nested layout: [root StorageTree]");
    ns["dmp_get"] = stat([ip] { return std::vector<std::vector<storage_result>>{flat(*ip)}; }, "dmp_get", "get() per rank (one rank)");
    ns["dmp_get_tree"] = stat([ip] { return std::vector<std::vector<tree_ptr>>{tree(*ip)}; }, "dmp_get_tree", "get_tree() per rank (one rank)");
    ns["dumps"] = stat([ip](py::handle obj) { return dumps(*ip, obj); }, "dumps",
                       "dict in the layout of the .json (get() result) or .tree.json (get_tree() result) files");
    ns["load"] = stat([ip](py::handle obj) { return load(*ip, obj); }, "load",
                      "Read .json / .tree.json data (dict, JSON text, file name or file object)");
    const std::string name = std::string{info.class_name} + "Storage";
    py::object cls = py::module_::import("builtins").attr("type")(name, py::make_tuple(py::module_::import("builtins").attr("object")), ns);
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
