"""18.0.1.1.0: sales pushes and the depletion to-do are items of the suite's inbox, which
records each item's company and when it was processed."""


def migrate(cr, version):
    cr.execute(
        """
        UPDATE boh_pos_depletion_todo todo SET company_id = warehouse.company_id
          FROM stock_warehouse warehouse
         WHERE warehouse.id = todo.warehouse_id AND todo.company_id IS NULL
        """
    )
    cr.execute(
        "UPDATE boh_pos_depletion_todo SET processed_date = write_date "
        "WHERE state = 'done' AND processed_date IS NULL"
    )
    # a push's company: its store's, else the company of the user who sent it
    cr.execute(
        """
        UPDATE boh_pos_batch batch SET company_id = users.company_id
          FROM res_users users
         WHERE users.id = batch.user_id AND batch.company_id IS NULL
        """
    )
    cr.execute(
        "UPDATE boh_pos_batch SET processed_date = write_date "
        "WHERE state IN ('done', 'superseded') AND processed_date IS NULL"
    )
