//! A data table with a caption and column headings. On narrow screens each
//! row becomes a stacked block whose cells are labelled with their column
//! heading (from `data-label`), unless `keep_columns` is set; the ARIA
//! roles keep it a table for screen readers either way.

use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct TableProps {
    pub caption: AttrValue,
    pub headings: Vec<AttrValue>,
    /// Rows of cells, in heading order.
    pub rows: Vec<Vec<Html>>,
    /// Shown instead of an empty table.
    #[prop_or(AttrValue::Static("Nothing here yet."))]
    pub empty: AttrValue,
    /// Keep columns on narrow screens (short two-column tables); it then
    /// scrolls sideways if it must.
    #[prop_or_default]
    pub keep_columns: bool,
}

#[component]
pub fn Table(props: &TableProps) -> Html {
    if props.rows.is_empty() {
        return html! { <p class="table-empty">{ props.empty.clone() }</p> };
    }
    let class = classes!("table", (!props.keep_columns).then_some("table--stack"));
    html! {
        <div class="table-wrap">
            <table {class} role="table">
                <caption class="table__caption">{ props.caption.clone() }</caption>
                <thead role="rowgroup">
                    <tr role="row">
                        { for props.headings.iter().map(|h| html! { <th scope="col" role="columnheader">{ h.clone() }</th> }) }
                    </tr>
                </thead>
                <tbody role="rowgroup">
                    { for props.rows.iter().map(|row| html! {
                        <tr role="row">
                            { for row.iter().zip(props.headings.iter()).map(|(cell, heading)| html! {
                                <td role="cell" data-label={heading.clone()}>{ cell.clone() }</td>
                            }) }
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
