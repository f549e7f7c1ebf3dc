/** @odoo-module **/
import { Component, onWillStart, useState } from "@odoo/owl";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

/**
 * The week grid of a store's schedule: employees x days, a coverage strip per job against
 * the need (15-minute slots), cost against budget. Every edit goes to the server, which
 * checks it and sends the whole grid back, so figures follow each change.
 */
export class WeekGrid extends Component {
    static template = "boh_labour.WeekGrid";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.actionService = useService("action");
        this.notification = useService("notification");
        const params = this.props.action.params || {};
        this.weekId = params.week_id || (this.props.action.context || {}).active_id;
        this.state = useState({ data: null, edit: null, busy: false });
        onWillStart(() => this.load());
    }

    async load() {
        this.state.data = await this.orm.call("boh.labour.week", "grid_data", [[this.weekId]]);
    }

    shiftsOf(employeeId, day) {
        return this.state.data.shifts.filter((s) => s.employee_id === employeeId && s.day === day);
    }

    jobsOf(employeeId) {
        const employee = this.state.data.employees.find((e) => e.id === employeeId);
        const ids = employee ? employee.jobs : [];
        return this.state.data.jobs.filter((j) => ids.includes(j.id));
    }

    edit(shift) {
        this.state.edit = { ...shift };
    }

    add(employeeId, day) {
        const jobs = this.jobsOf(employeeId);
        if (!jobs.length) {
            this.notification.add(_t("This employee holds none of the store's jobs."), {
                type: "warning",
            });
            return;
        }
        this.state.edit = {
            id: false,
            employee_id: employeeId,
            day,
            job_id: jobs[0].id,
            start: "10:00",
            stop: "14:00",
        };
    }

    async save() {
        const edit = this.state.edit;
        this.state.busy = true;
        try {
            this.state.data = await this.orm.call("boh.labour.week", "grid_save_shift", [
                [this.weekId],
                {
                    id: edit.id,
                    employee_id: edit.employee_id,
                    job_id: parseInt(edit.job_id),
                    day: edit.day,
                    start: edit.start,
                    stop: edit.stop,
                },
            ]);
            this.state.edit = null;
        } finally {
            this.state.busy = false;
        }
    }

    async remove() {
        this.state.data = await this.orm.call("boh.labour.week", "grid_delete_shift", [
            [this.weekId],
            this.state.edit.id,
        ]);
        this.state.edit = null;
    }

    async publish() {
        await this.orm.call("boh.labour.week", "action_publish", [[this.weekId]]);
        await this.load();
        this.notification.add(_t("Published: each employee is told their shifts."), {
            type: "success",
        });
    }

    async propose() {
        this.state.busy = true;
        try {
            await this.orm.call("boh.labour.week", "action_propose", [[this.weekId]]);
            await this.load();
        } finally {
            this.state.busy = false;
        }
    }

    slotClass(need, cover) {
        if (!need && !cover) {
            return "o_boh_slot_closed";
        }
        if (cover < need) {
            return "o_boh_slot_short";
        }
        return cover > need ? "o_boh_slot_over" : "o_boh_slot_ok";
    }

    slotTitle(day, index, strip) {
        return `${day.slots[index]} ${strip.job}: ${strip.cover[index]} / ${strip.need[index]}`;
    }
}

registry.category("actions").add("boh_labour.week_grid", WeekGrid);
