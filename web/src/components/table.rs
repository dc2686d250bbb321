//! A data table with a caption and column headings; scrolls sideways on
//! narrow screens instead of breaking the layout.

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
}

#[component]
pub fn Table(props: &TableProps) -> Html {
    if props.rows.is_empty() {
        return html! { <p class="table-empty">{ props.empty.clone() }</p> };
    }
    html! {
        <div class="table-wrap">
            <table class="table">
                <caption class="table__caption">{ props.caption.clone() }</caption>
                <thead>
                    <tr>
                        { for props.headings.iter().map(|h| html! { <th scope="col">{ h.clone() }</th> }) }
                    </tr>
                </thead>
                <tbody>
                    { for props.rows.iter().map(|row| html! {
                        <tr>{ for row.iter().map(|cell| html! { <td>{ cell.clone() }</td> }) }</tr>
                    }) }
                </tbody>
            </table>
        </div>
    }
}
