/** @odoo-module **/
import { registry } from "@web/core/registry";

// A buyer opens the order the forecast suggests, reads why each quantity, raises one, and
// confirms it.
registry.category("web_tour.tours").add("boh_forecast_buyer_tour", {
    url: "/odoo/action-boh_forecast.action_boh_suggested_orders",
    steps: () => [
        { trigger: ".o_data_row .o_data_cell:contains('Tour Vendor')", run: "click" },
        // the explanation columns of the lines
        { trigger: "th[data-name=boh_demand_qty]" },
        { trigger: "th[data-name=boh_safety_qty]" },
        { trigger: "th[data-name=boh_onhand_qty]" },
        { trigger: "th[data-name=boh_incoming_qty]" },
        // what the suggested quantity risks
        { trigger: "th[data-name=boh_waste_qty]" },
        { trigger: "th[data-name=boh_stockout_risk]" },
        { trigger: ".o_data_row:has(.o_data_cell:contains('Tour Bun')) .o_data_cell[name=boh_demand_qty]:contains('4')" },
        { trigger: ".o_data_row:has(.o_data_cell:contains('Tour Bun')) .o_data_cell[name=product_qty]:contains('4.00')" },
        // the buyer buys one pack more than suggested: the suggestion stays on the line
        { trigger: ".o_data_row:has(.o_data_cell:contains('Tour Bun')) .o_data_cell[name=product_qty]", run: "click" },
        { trigger: ".o_selected_row .o_field_widget[name=product_qty] input", run: "edit 5" },
        { trigger: "button#draft_confirm", run: "click" },
        { trigger: ".o_statusbar_status .o_arrow_button_current:contains('Purchase Order')" },
    ],
});
