/** @odoo-module **/
import {
    Component,
    onMounted,
    onPatched,
    onWillStart,
    onWillUnmount,
    useRef,
    useState,
} from "@odoo/owl";
import { loadBundle } from "@web/core/assets";
import { _t } from "@web/core/l10n/translation";
import { registry } from "@web/core/registry";
import { useService } from "@web/core/utils/hooks";

const QUADRANT_COLORS = {
    star: "#2ca02c",
    plowhorse: "#ff7f0e",
    puzzle: "#1f77b4",
    dog: "#d62728",
};
const PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2"];

/**
 * The KPI dashboard: the group's figures, the stores side by side, the trend of food cost
 * per store and net sales per store, from the computed store periods
 * (``boh.kpi.dashboard.get_dashboard_data``). Labour and maintenance add slots.
 */
export class KpiDashboard extends Component {
    static template = "boh_inventory.KpiDashboard";
    static props = ["*"];

    setup() {
        this.orm = useService("orm");
        this.action = useService("action");
        this.state = useState({ data: null, dateFrom: "", dateTo: "", category: "" });
        this.trendRef = useRef("trend");
        this.salesRef = useRef("sales");
        this.menuRef = useRef("menu");
        this.charts = [];
        onWillStart(async () => {
            await loadBundle("web.chartjs_lib");
            await this.load();
        });
        onMounted(() => this.draw());
        // new data or another menu category: the canvases are redrawn once the DOM has them
        onPatched(() => this.draw());
        onWillUnmount(() => this.destroyCharts());
    }

    async load() {
        const data = await this.orm.call("boh.kpi.dashboard", "get_dashboard_data", [], {
            date_from: this.state.dateFrom || false,
            date_to: this.state.dateTo || false,
        });
        this.state.data = data;
        if (!this.categories.includes(this.state.category)) {
            this.state.category = this.categories[0] || "";
        }
        this.state.dateFrom = data.date_from;
        this.state.dateTo = data.date_to;
    }

    async reload() {
        await this.load();
    }

    get categories() {
        const menu = (this.state.data && this.state.data.menu) || [];
        return [...new Set(menu.map((item) => item.category))].sort();
    }

    /** The group's items of the chosen category, the largest margin first: the list
     *  behind the scatter. */
    get menuItems() {
        const menu = (this.state.data && this.state.data.menu) || [];
        return menu
            .filter((item) => item.category === this.state.category)
            .sort((a, b) => b.unit_margin - a.unit_margin);
    }

    selectCategory(ev) {
        this.state.category = ev.target.value;
    }

    get quadrantLabels() {
        return {
            star: _t("Star"),
            plowhorse: _t("Plowhorse"),
            puzzle: _t("Puzzle"),
            dog: _t("Dog"),
        };
    }

    get kpis() {
        return [
            { key: "net_sales", label: _t("Net Sales"), unit: "money" },
            { key: "covers", label: _t("Covers"), unit: "" },
            { key: "average_check", label: _t("Average Check"), unit: "money" },
            { key: "food_cost_pct_theoretical", label: _t("Food Cost % (theoretical)"), unit: "pct" },
            { key: "food_cost_pct_actual", label: _t("Food Cost % (actual)"), unit: "pct" },
            { key: "waste_pct", label: _t("Waste %"), unit: "pct" },
            { key: "variance_pct", label: _t("AvT Variance %"), unit: "pct" },
            { key: "gross_margin", label: _t("Gross Margin"), unit: "money" },
            { key: "turnover_days", label: _t("Inventory Turnover (days)"), unit: "days" },
        ];
    }

    format(value, unit) {
        if (value === null || value === undefined || value === false) {
            return "—";
        }
        if (unit === "pct") {
            return `${value.toFixed(1)} %`;
        }
        if (unit === "money") {
            return `${this.state.data.currency} ${Math.round(value).toLocaleString()}`;
        }
        if (unit === "price") {
            return `${this.state.data.currency} ${value.toFixed(2)}`;
        }
        if (unit === "days" || unit === "hours") {
            return value.toFixed(1);
        }
        return Math.round(value).toLocaleString();
    }

    slotValue(slot, storeId) {
        return storeId ? slot.stores[storeId] : slot.group;
    }

    openPeriods(storeId) {
        const domain = [
            ["date_to", ">=", this.state.data.date_from],
            ["date_to", "<=", this.state.data.date_to],
        ];
        if (storeId) {
            domain.push(["warehouse_id", "=", storeId]);
        }
        this.action.doAction({
            type: "ir.actions.act_window",
            name: _t("Store Periods"),
            res_model: "boh.store.period",
            views: [[false, "list"], [false, "form"]],
            domain,
        });
    }

    destroyCharts() {
        for (const chart of this.charts) {
            chart.destroy();
        }
        this.charts = [];
    }

    draw() {
        this.destroyCharts();
        const data = this.state.data;
        if (!data || !this.trendRef.el) {
            return;
        }
        const labels = [...new Set(data.trend.map((row) => row.date_to))];
        const names = [...new Set(data.trend.map((row) => row.store))];
        const datasets = names.map((name, index) => ({
            label: name,
            borderColor: PALETTE[index % PALETTE.length],
            backgroundColor: PALETTE[index % PALETTE.length],
            data: labels.map((label) => {
                const row = data.trend.find((r) => r.store === name && r.date_to === label);
                return row ? row.food_cost_pct_actual : null;
            }),
            spanGaps: true,
        }));
        this.charts.push(
            new Chart(this.trendRef.el, {
                type: "line",
                data: { labels, datasets },
                options: {
                    maintainAspectRatio: false,
                    plugins: { title: { display: true, text: _t("Actual food cost % by period end") } },
                },
            })
        );
        this.charts.push(
            new Chart(this.salesRef.el, {
                type: "bar",
                data: {
                    labels: data.stores.map((s) => s.name),
                    datasets: [
                        {
                            label: _t("Net Sales"),
                            data: data.stores.map((s) => s.net_sales),
                            backgroundColor: PALETTE[0],
                        },
                        {
                            label: _t("Actual Cost"),
                            data: data.stores.map((s) => s.actual_cost || 0),
                            backgroundColor: PALETTE[1],
                        },
                    ],
                },
                options: {
                    maintainAspectRatio: false,
                    plugins: { title: { display: true, text: _t("Stores side by side") } },
                },
            })
        );
        this.drawMenu();
    }

    drawMenu() {
        if (!this.menuRef.el) {
            return;
        }
        const items = this.state.data.menu.filter((item) => item.category === this.state.category);
        const labels = this.quadrantLabels;
        const datasets = Object.keys(QUADRANT_COLORS).map((quadrant) => ({
            label: labels[quadrant],
            backgroundColor: QUADRANT_COLORS[quadrant],
            data: items
                .filter((item) => item.quadrant === quadrant)
                .map((item) => ({ x: item.menu_mix_pct, y: item.unit_margin, name: item.name })),
        }));
        this.charts.push(
            new Chart(this.menuRef.el, {
                type: "scatter",
                data: { datasets },
                options: {
                    maintainAspectRatio: false,
                    plugins: {
                        title: { display: true, text: _t("Menu engineering (menu mix % x margin)") },
                        tooltip: {
                            callbacks: {
                                label: (ctx) =>
                                    `${ctx.raw.name}: ${ctx.raw.x.toFixed(1)} %, ${ctx.raw.y.toFixed(2)}`,
                            },
                        },
                    },
                    scales: {
                        x: { title: { display: true, text: _t("Menu mix %") } },
                        y: { title: { display: true, text: _t("Contribution margin") } },
                    },
                },
            })
        );
    }
}

registry.category("actions").add("boh_inventory.kpi_dashboard", KpiDashboard);
