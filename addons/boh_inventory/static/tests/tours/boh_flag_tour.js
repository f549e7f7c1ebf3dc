/** @odoo-module **/
import { registry } from "@web/core/registry";

// A store manager opens the flags, opens a sales flag, drills down to its evidence (the
// store), comes back and acknowledges it as a false alarm.
registry.category("web_tour.tours").add("boh_flag_acknowledge_tour", {
    url: "/odoo/action-boh_inventory.action_boh_flag",
    steps: () => [
        { trigger: ".o_data_row .o_data_cell:contains('Tour sales far above')", run: "click" },
        { trigger: ".o_form_view .o_field_widget[name=score]:contains('7.0')" },
        { trigger: "button[name=action_open_evidence]", run: "click" },
        { trigger: ".o_form_view .o_field_widget[name=name] input:value('Tour Flag Store'), .o_form_view .o_field_widget[name=name]:contains('Tour Flag Store')" },
        { trigger: ".o_breadcrumb a:contains('Tour sales far above')", run: "click" },
        { trigger: "button[name=action_acknowledge]", run: "click" },
        { trigger: ".modal .o_field_widget[name=cause] input[data-value=false_alarm]", run: "click" },
        { trigger: ".modal .o_field_widget[name=note] textarea", run: "edit A wedding next door" },
        { trigger: ".modal button[name=action_confirm]", run: "click" },
        { trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Acknowledged')" },
    ],
});
