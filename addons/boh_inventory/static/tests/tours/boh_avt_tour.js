/** @odoo-module **/
import { registry } from "@web/core/registry";

// A store manager opens the KPI dashboard, sees the group's menu engineering, goes from the store to its period, from the
// period to its AvT lines (largest unexplained value first) and from a line to its moves.
registry.category("web_tour.tours").add("boh_avt_drill_down_tour", {
    url: "/odoo/action-boh_inventory.action_boh_kpi_dashboard",
    steps: () => [
        { trigger: ".o_boh_kpi_cards .card:contains('31.5 %')" },
        // the group's menu engineering: the scatter and the list behind it
        { trigger: ".o_boh_kpi_menu_items tr:contains('Test Burger') td[data-quadrant]" },
        { trigger: ".o_boh_kpi_stores a:contains('Test AvT Store')", run: "click" },
        { trigger: ".o_data_row .o_data_cell:contains('TAVT')", run: "click" },
        { trigger: "button[name=action_view_lines]", run: "click" },
        { trigger: ".o_data_row:first .o_data_cell[name=unexplained_value]:contains('52.50')" },
        { trigger: ".o_data_row:first button[name=action_view_moves]", run: "click" },
        { trigger: ".o_breadcrumb:contains('Moves of')" },
        { trigger: ".o_data_row:contains('Test Beef')" },
    ],
});
