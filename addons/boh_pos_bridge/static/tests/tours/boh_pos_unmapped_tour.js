/** @odoo-module **/
import { registry } from "@web/core/registry";

// A manager maps a POS code that arrived unmapped; the orders waiting for it are processed.
registry.category("web_tour.tours").add("boh_pos_unmapped_tour", {
    url: "/odoo/action-boh_pos_bridge.action_boh_pos_unmapped",
    steps: () => [
        {
            trigger: ".o_data_row:has(.o_data_cell[name=code]:contains('TOURX')) .o_data_cell[name=waiting_count]:contains('1')",
        },
        {
            trigger: ".o_data_row:has(.o_data_cell[name=code]:contains('TOURX')) .o_data_cell[name=product_id]",
            run: "click",
        },
        {
            trigger: ".o_data_row.o_selected_row .o_data_cell[name=product_id] input",
            run: "edit Tour Mapped Burger",
        },
        { trigger: ".ui-menu-item > a:contains('Tour Mapped Burger')", run: "click" },
        {
            trigger: ".o_data_row.o_selected_row button[name=action_resolve]",
            run: "click",
        },
        // mapped: it leaves the "To map" list
        { trigger: ".o_list_view:not(:has(.o_data_cell[name=code]:contains('TOURX')))" },
    ],
});
