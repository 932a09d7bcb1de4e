//! Browser entry point: mounts the playground on the page body.

fn main() {
    yew::Renderer::<ordinal_web::App>::new().render();
}
