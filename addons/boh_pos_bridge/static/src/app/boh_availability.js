/** @odoo-module **/
import { patch } from "@web/core/utils/patch";
import { PosStore } from "@point_of_sale/app/store/pos_store";
import { ProductCard } from "@point_of_sale/app/generic_components/product_card/product_card";
import { usePos } from "@point_of_sale/app/store/pos_hook";

// The 86 list: dishes the store's ingredients on hand cannot make are marked on their card.
patch(PosStore.prototype, {
    async afterProcessServerData() {
        const result = await super.afterProcessServerData(...arguments);
        this.bohUnavailable = new Set();
        await this.bohRefreshAvailability();
        return result;
    },
    async bohRefreshAvailability() {
        try {
            const ids = await this.data.call("pos.config", "boh_unavailable_product_ids", [
                [this.config.id],
            ]);
            this.bohUnavailable = new Set(ids);
        } catch {
            // offline or not allowed: keep the last known list
        }
    },
    async syncAllOrders() {
        const result = await super.syncAllOrders(...arguments);
        this.bohRefreshAvailability();
        return result;
    },
});

patch(ProductCard.prototype, {
    setup() {
        super.setup(...arguments);
        this.pos = usePos();
    },
    get bohIs86() {
        return Boolean(this.pos.bohUnavailable?.has(this.props.product?.id));
    },
});
