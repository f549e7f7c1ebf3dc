/** @odoo-module **/
import { registry } from "@web/core/registry";

// A store manager opens next week's schedule, moves the end of a shift, and publishes.
registry.category("web_tour.tours").add("boh_labour_week_tour", {
    url: "/odoo/action-boh_labour.action_boh_labour_week",
    steps: () => [
        { trigger: ".o_data_row .o_data_cell:contains('Tour Store')", run: "click" },
        { trigger: "button[name=action_open_grid]", run: "click" },
        { trigger: ".o_boh_week_grid .o_boh_state:contains('Draft')" },
        { trigger: ".o_boh_shift:contains('10:00-14:00')", run: "click" },
        { trigger: ".o_boh_edit_stop", run: "edit 16:00" },
        { trigger: ".o_boh_save", run: "click" },
        { trigger: ".o_boh_shift:contains('10:00-16:00')" },
        { trigger: ".o_boh_publish", run: "click" },
        { trigger: ".o_boh_week_grid .o_boh_state:contains('Published')" },
    ],
});
